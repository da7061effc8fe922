// SPDX-License-Identifier: GPL-2.0

//! The layering rules of Documentation/design.rst, checked on the sources.
//!
//! For each module's crate this reads the tree of files its root mounts
//! (`mod x;`, `#[path = "..."] mod x;`, directories with `mod.rs`), takes
//! every path a file names (`crate::a::b`, `super::c`, `self::d`, and the
//! groups of `use crate::{...}`), maps it to the file that defines it, and
//! fails when:
//! - the files of a crate depend on each other in a cycle (the crate root
//!   included: a file naming `crate::ITEM` of the root is one);
//! - a file of the support layer names anything outside it;
//! - a file of a module has more than `MAX_LINES` lines of code.
//!
//! Declaring a child (`mod x;`) is not a dependency; naming it is. Comments,
//! doc comments and string literals are ignored.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The crates: their root files, relative to the top of the tree.
const CRATES: [&str; 4] = [
    "cgroupfs/cgroupfs_main.rs",
    "qmon/qmon_main.rs",
    "rue/rue_main.rs",
    "samples/cgroup_hello_main.rs",
];

/// Lines of code (not blank, not comments, not `#[cfg(test)]` modules) a
/// file may have.
const MAX_LINES: usize = 450;

fn top() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Source text without comments and with string and char literals emptied.
fn strip(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if b[i] == b'"' || (b[i] == b'r' && b.get(i + 1) == Some(&b'"')) {
            // A string literal (raw strings here never contain `"`).
            let raw = b[i] == b'r';
            i += if raw { 2 } else { 1 };
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && !raw {
                    i += 1;
                }
                if b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && (b.get(i + 2) == Some(&b'\'') || (b.get(i + 1) == Some(&b'\\')))
        {
            // A char literal ('a', '\n', '\'', '\u{..}'), not a lifetime.
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// One file of a crate: its module path (`["views", "render"]`) and its
/// source.
struct File {
    path: PathBuf,
    module: Vec<String>,
    code: String,
}

/// Reads the module tree below `file`, whose module path is `module`.
/// `dir` is where its children's files are.
fn read_tree(file: &Path, dir: &Path, module: Vec<String>, files: &mut Vec<File>) {
    let src = fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut code = strip(&src);
    // The unit tests' inline module is not part of the module's code.
    if let Some(at) = code.find("#[cfg(test)]\nmod tests") {
        code.truncate(at);
    }
    let mut pending_path: Option<String> = None;
    let mut cfg_test = false;
    for line in src.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("#[path = \"") {
            pending_path = Some(rest.trim_end_matches("\"]").to_string());
            continue;
        }
        if t == "#[cfg(test)]" {
            cfg_test = true;
            continue;
        }
        let decl = t
            .strip_prefix("pub(crate) mod ")
            .or_else(|| t.strip_prefix("pub mod "))
            .or_else(|| t.strip_prefix("mod "));
        if let Some(name) = decl.and_then(|d| d.strip_suffix(';')) {
            let child = match pending_path.take() {
                Some(p) => file.parent().unwrap().join(p),
                None if dir.join(name).join("mod.rs").exists() => dir.join(name).join("mod.rs"),
                None => dir.join(format!("{name}.rs")),
            };
            let child_dir = if child.ends_with("mod.rs") {
                child.parent().unwrap().to_path_buf()
            } else {
                child.with_extension("")
            };
            let mut m = module.clone();
            m.push(name.to_string());
            if !cfg_test {
                read_tree(&child, &child_dir, m, files);
            }
        }
        if !t.starts_with("#[") {
            pending_path = None;
            cfg_test = false;
        }
    }
    files.push(File {
        path: file.to_path_buf(),
        module,
        code,
    });
}

/// Splits `a::{b, c::{d, e}}` (the text after `crate::`) into full paths.
fn expand(s: &str) -> Vec<Vec<String>> {
    let s = s.trim();
    if let Some(open) = s.find('{') {
        let prefix: Vec<String> = s[..open]
            .split("::")
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect();
        let inner = &s[open + 1..s.rfind('}').unwrap_or(s.len())];
        let mut out = Vec::new();
        let (mut depth, mut start) = (0, 0);
        let parts: Vec<&str> = {
            let mut v = Vec::new();
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        v.push(&inner[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            v.push(&inner[start..]);
            v
        };
        for p in parts {
            let p = p.trim();
            if p.is_empty() {
                continue;
            }
            if p == "self" {
                out.push(prefix.clone());
                continue;
            }
            for tail in expand(p) {
                let mut full = prefix.clone();
                full.extend(tail);
                out.push(full);
            }
        }
        out
    } else {
        vec![s
            .split("::")
            .map(|x| x.split(" as ").next().unwrap().trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()]
    }
}

/// The paths a file names, made absolute (from the crate root).
fn references(f: &File) -> Vec<Vec<String>> {
    let code = &f.code;
    let mut out = Vec::new();
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for kw in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(pos) = code[from..].find(kw) {
            let at = from + pos;
            from = at + kw.len();
            if at > 0 && (ident(b[at - 1]) || (b[at - 1] == b':' && kw != "crate::")) {
                continue;
            }
            // The base: the crate root, or the file's module for self/super.
            let mut base: Vec<String> = match kw {
                "crate::" => Vec::new(),
                _ => f.module.clone(),
            };
            let mut rest_at = at + kw.len();
            if kw == "super::" {
                base.pop();
                while code[rest_at..].starts_with("super::") {
                    base.pop();
                    rest_at += "super::".len();
                }
            }
            // The path text: identifiers, `::`, and one balanced `{...}`.
            let mut end = rest_at;
            let mut depth = 0;
            while end < b.len() {
                let c = b[end];
                if c == b'{' {
                    depth += 1;
                } else if c == b'}' {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    if depth == 0 {
                        end += 1;
                        break;
                    }
                } else if depth == 0 && !(ident(c) || c == b':') {
                    break;
                }
                end += 1;
            }
            for tail in expand(&code[rest_at..end]) {
                let mut full = base.clone();
                full.extend(tail);
                out.push(full);
            }
        }
    }
    out
}

/// The paths a file names through its own children's names (`views::X` in
/// the crate root, `render::Y` in `views/mod.rs`).
fn child_references(f: &File, files: &[File]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let b = f.code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for c in files {
        if c.module.len() != f.module.len() + 1 || !c.module.starts_with(&f.module) {
            continue;
        }
        let pat = format!("{}::", c.module.last().unwrap());
        let mut from = 0;
        while let Some(pos) = f.code[from..].find(&pat) {
            let at = from + pos;
            from = at + pat.len();
            if at > 0 && (ident(b[at - 1]) || b[at - 1] == b':') {
                continue;
            }
            out.push(c.module.clone());
        }
    }
    out
}

/// The file (index) that defines `path`: the one with the longest module
/// path that is a prefix of it.
fn owner(files: &[File], path: &[String]) -> usize {
    let mut best = (0, usize::MAX);
    for (i, f) in files.iter().enumerate() {
        if path.starts_with(&f.module) && (best.1 == usize::MAX || f.module.len() > best.0) {
            best = (f.module.len(), i);
        }
    }
    best.1
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(n: usize, edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    struct T<'a> {
        edges: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(t: &mut T<'_>, v: usize) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for &w in t.edges[v].iter() {
            match t.index[w] {
                None => {
                    visit(t, w);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut scc = Vec::new();
            loop {
                let w = t.stack.pop().unwrap();
                t.on[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                t.out.push(scc);
            }
        }
    }
    let mut t = T {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(&mut t, v);
        }
    }
    t.out
}

struct Crate {
    files: Vec<File>,
    edges: Vec<BTreeSet<usize>>,
}

fn load(root: &str) -> Crate {
    let root = top().join(root);
    let mut files = Vec::new();
    read_tree(&root, root.parent().unwrap(), Vec::new(), &mut files);
    let mut edges = vec![BTreeSet::new(); files.len()];
    for (i, f) in files.iter().enumerate() {
        for r in references(f).into_iter().chain(child_references(f, &files)) {
            let o = owner(&files, &r);
            // A file may name its own items and its descendants' (a parent
            // reaching into a child is the child's user, which is fine).
            if o != usize::MAX && o != i {
                edges[i].insert(o);
            }
        }
    }
    Crate { files, edges }
}

fn name(c: &Crate, i: usize) -> String {
    let m = &c.files[i].module;
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_cycles_between_files() {
    let mut report = Vec::new();
    for root in CRATES {
        let c = load(root);
        for scc in cycles(c.files.len(), &c.edges) {
            let set: BTreeSet<usize> = scc.iter().copied().collect();
            let mut lines = Vec::new();
            for &v in &scc {
                let to: Vec<String> = c.edges[v]
                    .iter()
                    .filter(|w| set.contains(w))
                    .map(|&w| name(&c, w))
                    .collect();
                lines.push(format!("    {} -> {}", name(&c, v), to.join(", ")));
            }
            lines.sort();
            report.push(format!(
                "{root}: a cycle of {} files:\n{}",
                scc.len(),
                lines.join("\n")
            ));
        }
    }
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

#[test]
fn support_layer_names_nothing_outside_it() {
    let mut report = Vec::new();
    for root in CRATES {
        let c = load(root);
        for (i, f) in c.files.iter().enumerate() {
            if f.module.first().map(String::as_str) != Some("support") {
                continue;
            }
            for &o in &c.edges[i] {
                if c.files[o].module.first().map(String::as_str) != Some("support") {
                    report.push(format!("{} names {}", name(&c, i), name(&c, o)));
                }
            }
        }
    }
    report.sort();
    report.dedup();
    assert!(report.is_empty(), "\n{}", report.join("\n"));
}

/// Lines of code of a file (its unit tests are cut off already).
fn code_lines(code: &str) -> usize {
    code.lines().filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn files_stay_small() {
    let mut report = Vec::new();
    for root in CRATES {
        for f in load(root).files {
            let n = code_lines(&f.code);
            if n > MAX_LINES {
                report.push(format!("{}: {n} lines of code", f.path.display()));
            }
        }
    }
    report.sort();
    report.dedup();
    assert!(
        report.is_empty(),
        "over {MAX_LINES} lines of code:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_checker_sees_a_cycle() {
    // Two files naming each other, and a use group.
    let a = File {
        path: "a.rs".into(),
        module: vec!["a".into()],
        code: strip("use crate::{b::X, c};"),
    };
    let refs = references(&a);
    assert!(refs.contains(&vec!["b".to_string(), "X".to_string()]));
    assert!(refs.contains(&vec!["c".to_string()]));
    let s = File {
        path: "s.rs".into(),
        module: vec!["d".into(), "s".into()],
        code: strip("super::super::b::Y // crate::z"),
    };
    assert_eq!(references(&s), vec![vec!["b".to_string(), "Y".to_string()]]);
    let edges = vec![BTreeSet::from([1]), BTreeSet::from([0]), BTreeSet::new()];
    assert_eq!(cycles(3, &edges).len(), 1);
    let edges = vec![BTreeSet::from([1]), BTreeSet::from([2]), BTreeSet::new()];
    assert!(cycles(3, &edges).is_empty());
}
