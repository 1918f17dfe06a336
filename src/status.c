/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "status.h"

static const char *const ns_names[_NSB_NS_MAX] = {
        [NSB_NS_CGROUP] = "cgroup", [NSB_NS_IPC] = "ipc", [NSB_NS_MNT] = "mnt",
        [NSB_NS_NET] = "net",       [NSB_NS_PID] = "pid", [NSB_NS_UTS] = "uts",
};

const char *nsb_ns_name(enum nsb_ns ns)
{
	return (unsigned)ns < _NSB_NS_MAX ? ns_names[ns] : NULL;
}

int nsb_ns_ids_read(pid_t pid, const bool want[_NSB_NS_MAX], struct nsb_ns_ids *ret)
{
	struct nsb_ns_ids ids = {{0}};

	for (int i = 0; i < _NSB_NS_MAX; i++) {
		char path[64];
		struct stat st;

		if (!want[i])
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_names[i]);
		if (stat(path, &st) < 0)
			return -errno;
		ids.ino[i] = (uint64_t)st.st_ino;
	}
	*ret = ids;
	return 0;
}

/* Append to buf at *pos; false once it no longer fits. */
static bool append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= size)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *pos)
		return false;
	*pos += (size_t)n;
	return true;
}

int nsb_status_format(char *buf, size_t size, pid_t child, const struct nsb_ns_ids *ids,
                      bool one_line)
{
	const char *sep = one_line ? ", " : ",\n    ";
	size_t pos = 0;
	bool ok;

	ok = append(buf, size, &pos, one_line ? "{ \"child-pid\": %d" : "{\n    \"child-pid\": %d",
	            (int)child);
	for (int i = 0; ok && i < _NSB_NS_MAX; i++)
		if (ids->ino[i])
			ok = append(buf, size, &pos, "%s\"%s-namespace\": %" PRIu64, sep,
			            ns_names[i], ids->ino[i]);
	if (ok)
		ok = append(buf, size, &pos, one_line ? " }\n" : "\n}\n");
	return ok ? (int)pos : -ENOBUFS;
}

int nsb_status_format_exit(char *buf, size_t size, int code)
{
	int n = snprintf(buf, size, "{ \"exit-code\": %d }\n", code);

	return n < 0 || (size_t)n >= size ? -ENOBUFS : n;
}
