/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What ops.c shares with the files that hold more op kinds (ops-oci.c):
 * the steps every mount op takes, and those kinds' apply functions for
 * ops.c's table. Private to src/ops*.c. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "ops.h"

/* Attach the detached mount mntfd on destfd; when that covered the root
 * itself, s->rootfd is reopened so that later ops see the new mount.
 * 0 or -errno, not logged. */
int nsb_ops_attach(struct nsb_setup *s, int mntfd, int destfd);

/* A failed step of op, logged once: "<what>: <strerror> (<option>,
 * <where>)", or for an op made from config.json "<op->opt>: <what>:
 * <strerror>". Where bubblewrap reports the same failure, what is its
 * words ("Can't mkdir /x"), so that scripts matching them keep working.
 * Returns -|r|. */
int nsb_op_fail(int r, const struct nsb_op *op, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* The mount point of op, of the type of what is mounted (dir or not):
 * created (mode, parents parent) if missing, checked if there. An O_PATH
 * fd, or -errno logged. */
int nsb_ops_mount_point(struct nsb_setup *s, const struct nsb_op *op, bool dir, mode_t mode,
                        mode_t parent);

/* Clone the tree at the host path abs (absolute), resolved with the old
 * root as "/" just as the caller would, recursively or not: a detached
 * mount fd or -errno, not logged. */
int nsb_ops_clone_source(struct nsb_setup *s, const char *abs, bool recursive);

/* The resolve function of NSB_OPK_HOST_SOURCE kinds: SRC made absolute in
 * the caller's view into s->sources[i]. 0 or -errno, logged. */
int nsb_ops_resolve_source(struct nsb_setup *s, size_t i, const struct nsb_op *op);

/* ops-oci.c: the OCI face's kinds. */
int nsb_ops_apply_rootfs(struct nsb_setup *s, size_t i, const struct nsb_op *op);
int nsb_ops_apply_mount_bind(struct nsb_setup *s, size_t i, const struct nsb_op *op);
int nsb_ops_apply_mount_fs(struct nsb_setup *s, size_t i, const struct nsb_op *op);
int nsb_ops_apply_device(struct nsb_setup *s, size_t i, const struct nsb_op *op);
int nsb_ops_apply_remount(struct nsb_setup *s, size_t i, const struct nsb_op *op);
