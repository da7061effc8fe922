// SPDX-License-Identifier: GPL-2.0

//! Host build of the modules' pure logic, so that `cargo test` runs the
//! unit tests that live beside that logic in the modules' source files.

#![allow(dead_code)]

#[path = "../../common/kparam.rs"]
mod kparam;
#[path = "../../common/textbuf.rs"]
mod textbuf;
#[path = "../../cgroupfs/meminfo.rs"]
mod meminfo;
