/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine-readable reports of --info-fd and --json-status-fd, in
 * bubblewrap's exact layouts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The namespaces a report may name, in report order. */
enum nsb_ns {
	NSB_NS_CGROUP,
	NSB_NS_IPC,
	NSB_NS_MNT,
	NSB_NS_NET,
	NSB_NS_PID,
	NSB_NS_UTS,
	_NSB_NS_MAX,
};

struct nsb_ns_ids {
	uint64_t ino[_NSB_NS_MAX]; /* 0: not unshared, not reported */
};

/* "cgroup", "ipc", ... as in /proc/PID/ns. */
const char *nsb_ns_name(enum nsb_ns ns);

/* Read the inode of each namespace marked in want[] from /proc/PID/ns. 0 or
 * -errno. */
int nsb_ns_ids_read(pid_t pid, const bool want[_NSB_NS_MAX], struct nsb_ns_ids *ret);

/* The --info-fd object (multi-line, 4-space indent) or the first
 * --json-status-fd line (one line), NUL-terminated in buf. Returns the
 * length, or -ENOBUFS. */
int nsb_status_format(char *buf, size_t size, pid_t child, const struct nsb_ns_ids *ids,
                      bool one_line);

/* { "exit-code": N } and a newline. */
int nsb_status_format_exit(char *buf, size_t size, int code);
