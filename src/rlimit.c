/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "rlimit.h"
#include "util.h"

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
        {"AS", RLIMIT_AS},
        {"CORE", RLIMIT_CORE},
        {"CPU", RLIMIT_CPU},
        {"DATA", RLIMIT_DATA},
        {"FSIZE", RLIMIT_FSIZE},
        {"LOCKS", RLIMIT_LOCKS},
        {"MEMLOCK", RLIMIT_MEMLOCK},
        {"MSGQUEUE", RLIMIT_MSGQUEUE},
        {"NICE", RLIMIT_NICE},
        {"NOFILE", RLIMIT_NOFILE},
        {"NPROC", RLIMIT_NPROC},
        {"RSS", RLIMIT_RSS},
        {"RTPRIO", RLIMIT_RTPRIO},
        {"RTTIME", RLIMIT_RTTIME},
        {"SIGPENDING", RLIMIT_SIGPENDING},
        {"STACK", RLIMIT_STACK},
};

const char *nsb_rlimit_name(int resource)
{
	for (size_t i = 0; i < NSB_ELEMENTSOF(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return NULL;
}

static int parse_value(const char *s, size_t len, rlim_t *ret)
{
	uint64_t v = 0;

	if ((len == 9 && strncasecmp(s, "unlimited", len) == 0) ||
	    (len == 8 && strncasecmp(s, "infinity", len) == 0)) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	/* RLIM_INFINITY itself is spelled "unlimited". */
	if (v >= (uint64_t)RLIM_INFINITY)
		return -ERANGE;
	*ret = (rlim_t)v;
	return 0;
}

int nsb_rlimit_parse(const char *s, struct nsb_rlimit *ret, const char **ret_bad)
{
	struct nsb_rlimit l = {.resource = -1};
	const char *eq = strchr(s, '='), *name = s, *colon;
	size_t name_len;

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
		    strncasecmp(rlimit_names[i].name, name, name_len) == 0)
			l.resource = rlimit_names[i].resource;
	if (l.resource < 0)
		return -EINVAL;

	colon = strchr(eq + 1, ':');
	*ret_bad = eq + 1;
	if (parse_value(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1), &l.soft) < 0)
		return -EINVAL;
	if (colon) {
		*ret_bad = colon + 1;
		if (parse_value(colon + 1, strlen(colon + 1), &l.hard) < 0)
			return -EINVAL;
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
