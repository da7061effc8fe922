/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroupfs: the API through which other modules add files to every
 * cgroup/<path>/ directory of cgroupfs mounts. See
 * Documentation/cgroupfs.rst, "Per-cgroup files for other modules".
 * The Rust mirror of these declarations is support/cgroupfs_api.rs.
 */
#ifndef CGROUPFS_API_H
#define CGROUPFS_API_H

#include <linux/types.h>

struct module;

/**
 * struct cgroupfs_file - a file present in every cgroup directory
 * @name:  file name, e.g. "sli.cpu"; unique among all registered files
 * @mode:  0444 (read-only), 0644 (read-write) or 0200 (write-only)
 * @show:  renders the file for @cgrp (an opaque struct cgroup *, referenced
 *         for the call) into @buf of @size bytes; returns the length,
 *         -ENOSPC to be called again with a larger buffer, or -errno
 * @write: parses @len bytes at @buf (NUL-terminated) written for @cgrp;
 *         returns 0 or -errno, and on error changes nothing
 * @data:  passed back to @show and @write
 *
 * Both callbacks run in process context and may sleep. The structures and
 * strings must stay valid until cgroupfs_unregister_files() returns.
 */
struct cgroupfs_file {
	const char *name;
	umode_t mode;
	long (*show)(void *data, void *cgrp, u64 id, char *buf, size_t size);
	long (*write)(void *data, void *cgrp, u64 id, const char *buf,
		      size_t len);
	void *data;
};

/*
 * Adds @nr files to every cgroup directory. Returns a handle, or an ERR_PTR:
 * -EINVAL for a bad name or mode, -EEXIST for a name already registered.
 * While one of the files is open, @owner cannot be unloaded.
 */
void *cgroupfs_register_files(struct module *owner,
			      const struct cgroupfs_file *files,
			      unsigned int nr);

/*
 * Removes the files; waits for show and write calls in flight. Files still
 * open keep the text they read; their writes, and reads that would render
 * anew (from offset 0 after an earlier read), fail with -ENOENT.
 */
void cgroupfs_unregister_files(void *handle);

/*
 * Tells pollers of file @index (0-based, in registration order) of @handle
 * in the cgroup with id @id that it has news: poll() and epoll on an open
 * file of it report EPOLLPRI | EPOLLERR from then on, to every waiter,
 * until the file is read again from offset 0, which renders its text anew
 * (as kernfs files do: poll, then lseek to 0 and read). Only the pollers
 * of that file are woken. Process or interrupt context (not from inside
 * the scheduler).
 */
void cgroupfs_notify(void *handle, unsigned int index, u64 id);

#endif /* CGROUPFS_API_H */
