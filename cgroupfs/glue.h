/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C glue of cgroupfs: what Rust calls (declared again in ffi.rs) and what
 * the C side calls back in Rust.
 */
#ifndef CGROUPFS_GLUE_H
#define CGROUPFS_GLUE_H

int cgroupfs_glue_register_fs(void);
void cgroupfs_glue_unregister_fs(void);
int cgroupfs_glue_create_mount_point(void);
void cgroupfs_glue_remove_mount_point(void);

#endif /* CGROUPFS_GLUE_H */
