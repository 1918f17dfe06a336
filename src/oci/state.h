/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state directory of nsbox-oci (--root) and the state of each
 * container in it.
 *
 * Layout: ROOT/ID/state.json per container, ROOT and ROOT/ID mode 0700.
 * ROOT is --root, else /run/nsbox-oci for root in the initial user
 * namespace, else $XDG_RUNTIME_DIR/nsbox-oci (also for root in another
 * user namespace when XDG_RUNTIME_DIR is set: rootless podman). An
 * existing ROOT must be a directory of the caller's uid, not writable by
 * group or others.
 *
 * state.json is written whole to a temporary file in ROOT/ID, then renamed
 * over the old one: a reader sees the old or the new file, never half of
 * one, so reading needs no lock. Commands that change a container take
 * flock(LOCK_EX) on the ROOT/ID directory fd for their whole run; a
 * command that waited for the lock must read the state again (delete may
 * have removed it meanwhile: nsb_oci_container_open() does so).
 *
 * Liveness: the container's process is recorded as its pid AND its start
 * time (field 22 of /proc/PID/stat, in clock ticks since boot). A pid that
 * now names another process (reused) has another start time, so the
 * container counts as stopped, and nsb_oci_state_pidfd() gives a pidfd
 * only for the recorded process: signals sent through it cannot reach a
 * process that took the pid later. A zombie (exited, not yet reaped by
 * conmon or whoever is its parent) counts as stopped.
 *
 * Status:
 *   phase creating: "creating" while the container process or the
 *                   creating nsbox-oci (runtime_pid/runtime_start) lives,
 *                   else "stopped" (a create that died half way);
 *   phase created:  "created" while the process lives, else "stopped";
 *   phase started:  "running" ("paused" when frozen by pause) while the
 *                   process lives, else "stopped". */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "oci/spec.h"

/* The copy of config.json that create keeps in ROOT/ID (phase 2 writes
 * it): start, delete and the hooks read it, so that later changes to the
 * bundle do not affect the container, as the specification requires. */
#define NSB_OCI_CONFIG_COPY "config.json"

/* Container ids: 1..NSB_OCI_ID_MAX characters of [A-Za-z0-9_+.-], not "."
 * or ".." (runc's rule, with a length cap: it is a file name). */
#define NSB_OCI_ID_MAX 200

enum nsb_oci_phase {
	NSB_OCI_PHASE_CREATING,
	NSB_OCI_PHASE_CREATED,
	NSB_OCI_PHASE_STARTED,
};

enum nsb_oci_status {
	NSB_OCI_CREATING,
	NSB_OCI_CREATED,
	NSB_OCI_RUNNING,
	NSB_OCI_PAUSED,
	NSB_OCI_STOPPED,
};

struct nsb_oci_state {
	char *id;
	char *bundle;      /* absolute */
	char *rootfs;      /* absolute */
	char *oci_version; /* of config.json; NSB_OCI_VERSION if unknown */
	enum nsb_oci_phase phase;
	pid_t pid;          /* the container process (runtime's pid namespace), 0 if none */
	uint64_t pid_start; /* its start time */
	pid_t runtime_pid;  /* the nsbox-oci that creates it (phase creating) */
	uint64_t runtime_start;
	bool paused;
	char *created; /* RFC 3339 UTC time of create */
	uid_t owner;
	char *cgroup_path; /* oci/cgroup.h path, NULL: no cgroup */
	struct nsb_oci_map annotations;
};

void nsb_oci_state_free(struct nsb_oci_state *st);

const char *nsb_oci_status_name(enum nsb_oci_status s);

/* 0, or -EINVAL after logging "container id '<id>': ...". */
int nsb_oci_id_check(const char *id);

/* The default ROOT (malloc'ed). 0, or -EINVAL logged when it cannot be
 * told (no XDG_RUNTIME_DIR for a non-root caller). */
int nsb_oci_root_default(char **ret);

/* Open ROOT (O_DIRECTORY); with create, make it (and missing parents, mode
 * 0700) first. Without create a missing ROOT is -ENOENT, not logged: there
 * is no container. Other errors are logged. */
int nsb_oci_root_open(const char *root, bool create, int *ret_fd);

/* Make ROOT/ID (-EEXIST logged as "container '<id>' already exists") and
 * return its fd, locked (LOCK_EX). */
int nsb_oci_container_new(int root_fd, const char *id, int *ret_dirfd);

/* Open ROOT/ID, take lock (LOCK_EX, LOCK_SH, or 0 for none) and read its
 * state. -ENOENT logged as "container '<id>' does not exist". */
int nsb_oci_container_open(int root_fd, const char *id, int lock, int *ret_dirfd,
                           struct nsb_oci_state *ret);

/* Remove ROOT/ID and everything in it; dirfd is its fd (locked by the
 * caller). state.json goes first, so that a command waiting for the lock
 * finds no container. 0 or -errno, logged. */
int nsb_oci_container_remove(int root_fd, const char *id, int dirfd);

/* Write st to dirfd/state.json atomically. 0 or -errno, logged. */
int nsb_oci_state_write(int dirfd, const struct nsb_oci_state *st);

/* Read dirfd/state.json (what: the path for messages). -ENOENT not logged
 * (no state yet, or removed); other errors logged. */
int nsb_oci_state_read(int dirfd, const char *what, struct nsb_oci_state *ret);

/* The status now (reads /proc). */
enum nsb_oci_status nsb_oci_state_status(const struct nsb_oci_state *st);

/* /proc/PID/stat: the start time (field 22) and the state letter (field
 * 3). 0, -ESRCH if there is no such process, or -EIO if unreadable. */
int nsb_oci_proc_start(pid_t pid, uint64_t *ret_start, char *ret_state);

/* True if pid is alive (not a zombie) and started at start. */
bool nsb_oci_proc_alive(pid_t pid, uint64_t start);

/* A pidfd (O_CLOEXEC) for st's process if it still is the recorded one:
 * 0, -ESRCH when it is gone, -ENOSYS when the kernel has no pidfd_open
 * (the caller falls back to kill() after nsb_oci_proc_alive()). */
int nsb_oci_state_pidfd(const struct nsb_oci_state *st, int *ret_pidfd);

/* Signal st's process: through a pidfd when the kernel has them, else
 * kill() after checking the start time. 0, -ESRCH (gone), or -errno. */
int nsb_oci_state_kill(const struct nsb_oci_state *st, int sig);

/* The ids of ROOT, sorted (free with nsb_oci_ids_free). Entries that are
 * not directories with a valid id are left out. 0 or -errno, logged. */
int nsb_oci_list_ids(int root_fd, char ***ret_ids, size_t *ret_n);
void nsb_oci_ids_free(char **ids, size_t n);

/* The state JSON of the runtime specification: ociVersion, id, status,
 * pid (0 when stopped), bundle, annotations (for hooks and listeners: owner
 * NULL); with owner also rootfs, created and owner, as `runc state` and
 * `runc list` print them. indent NULL: compact. 0 or -EIO. */
int nsb_oci_state_json(FILE *f, const struct nsb_oci_state *st, enum nsb_oci_status status,
                       const char *owner, const char *indent);

/* The current time as RFC 3339 UTC with nanoseconds (malloc'ed). */
int nsb_oci_now_rfc3339(char **ret);
