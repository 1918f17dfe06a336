/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "numparse.h"
#include "rlimit.h"
#include "util.h"

static const struct {
	const char *name;
	int resource;
	bool bytes; /* counted in bytes: the value may take a unit (64M) */
} rlimit_names[] = {
        {"AS", RLIMIT_AS, true},
        {"CORE", RLIMIT_CORE, true},
        {"CPU", RLIMIT_CPU, false},
        {"DATA", RLIMIT_DATA, true},
        {"FSIZE", RLIMIT_FSIZE, true},
        {"LOCKS", RLIMIT_LOCKS, false},
        {"MEMLOCK", RLIMIT_MEMLOCK, true},
        {"MSGQUEUE", RLIMIT_MSGQUEUE, true},
        {"NICE", RLIMIT_NICE, false},
        {"NOFILE", RLIMIT_NOFILE, false},
        {"NPROC", RLIMIT_NPROC, false},
        {"RSS", RLIMIT_RSS, true},
        {"RTPRIO", RLIMIT_RTPRIO, false},
        {"RTTIME", RLIMIT_RTTIME, false},
        {"SIGPENDING", RLIMIT_SIGPENDING, false},
        {"STACK", RLIMIT_STACK, true},
};

const char *nsb_rlimit_name(int resource)
{
	for (size_t i = 0; i < NSB_ELEMENTSOF(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return NULL;
}

static int parse_value(const char *s, size_t len, bool bytes, rlim_t *ret)
{
	uint64_t v;
	int r;

	if ((len == 9 && strncasecmp(s, "unlimited", len) == 0) ||
	    (len == 8 && strncasecmp(s, "infinity", len) == 0)) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	/* RLIM_INFINITY itself is spelled "unlimited". */
	r = nsb_parse_bytes(s, len, 0, (uint64_t)RLIM_INFINITY - 1, &v);
	/* A well-formed number that does not end in a digit has a unit: a
	 * mistake for a count of files, processes, seconds... */
	if (r != -EINVAL && !bytes && (s[len - 1] < '0' || s[len - 1] > '9'))
		return -ENOTSUP;
	if (r == -ERANGE)
		return -EOVERFLOW;
	if (r < 0)
		return r;
	*ret = (rlim_t)v;
	return 0;
}

int nsb_rlimit_parse(const char *s, struct nsb_rlimit *ret, const char **ret_bad)
{
	struct nsb_rlimit l = {.resource = -1};
	const char *eq = strchr(s, '='), *name = s, *colon;
	bool bytes = false;
	size_t name_len;
	int r;

	*ret_bad = s;
	if (!eq)
		return -EINVAL;
	name_len = (size_t)(eq - s);
	if (name_len > 7 && strncasecmp(name, "RLIMIT_", 7) == 0) {
		name += 7;
		name_len -= 7;
	}
	for (size_t i = 0; i < NSB_ELEMENTSOF(rlimit_names); i++)
		if (strlen(rlimit_names[i].name) == name_len &&
		    strncasecmp(rlimit_names[i].name, name, name_len) == 0) {
			l.resource = rlimit_names[i].resource;
			bytes = rlimit_names[i].bytes;
		}
	if (l.resource < 0)
		return -EINVAL;

	colon = strchr(eq + 1, ':');
	*ret_bad = eq + 1;
	r = parse_value(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1), bytes, &l.soft);
	if (r < 0)
		return r;
	if (colon) {
		*ret_bad = colon + 1;
		r = parse_value(colon + 1, strlen(colon + 1), bytes, &l.hard);
		if (r < 0)
			return r;
		l.hard_given = true;
		if (l.hard != RLIM_INFINITY && (l.soft == RLIM_INFINITY || l.soft > l.hard)) {
			*ret_bad = eq + 1;
			return -ERANGE;
		}
	}
	*ret = l;
	*ret_bad = NULL;
	return 0;
}

int nsb_rlimit_apply(const struct nsb_rlimit *limits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct nsb_rlimit *l = &limits[i];
		struct rlimit rl;

		if (getrlimit(l->resource, &rl) < 0)
			return nsb_log_errno(errno, "--rlimit: cannot read %s",
			                     nsb_rlimit_name(l->resource));
		rl.rlim_cur = l->soft;
		if (l->hard_given)
			rl.rlim_max = l->hard;
		if (rl.rlim_max != RLIM_INFINITY &&
		    (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > rl.rlim_max)) {
			nsb_err("--rlimit: the soft limit of %s is above its hard limit %llu",
			        nsb_rlimit_name(l->resource), (unsigned long long)rl.rlim_max);
			return -EINVAL;
		}
		if (setrlimit(l->resource, &rl) < 0)
			return nsb_log_errno(errno, "--rlimit: cannot set %s",
			                     nsb_rlimit_name(l->resource));
	}
	return 0;
}
