/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/landlock.h>

#include "landlock.h"
#include "net-rules.h"
#include "log.h"
#include "util.h"

/* The kernel's ABI, spelled out here because the build machine's
 * <linux/landlock.h> may predate it (Debian 12's stops at ABI 2). These are
 * fixed by the kernel's UAPI and never change. */
#ifndef LANDLOCK_RULE_NET_PORT
#define LANDLOCK_RULE_NET_PORT 2
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* struct landlock_ruleset_attr as of ABI 6; older kernels get a prefix of
 * it (the size tells the kernel which fields we know). */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

/* Landlock ABI -> the first Linux release with it, for messages. */
static const char *const abi_linux[] = {
        [1] = "5.13", [2] = "5.19", [3] = "6.2",  [4] = "6.7",
        [5] = "6.10", [6] = "6.12", [7] = "6.15",
};

/* What each option needs. */
enum {
	ABI_NET = 4,
	ABI_SCOPE = 6,
};

/* -try warnings already given in this process (or its parent before the
 * fork), so that check-then-apply warns once. */
enum {
	WARNED_UNIX = 1 << 0,
	WARNED_SIGNALS = 1 << 1,
};
static unsigned warned;

static int cached_abi = -1;

void nsb_landlock_fake_abi(int fake)
{
	cached_abi = fake;
	warned = 0;
}

int nsb_landlock_abi(void)
{
	long r;

	if (cached_abi >= 0)
		return cached_abi;
	r = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	/* ENOSYS: built without Landlock; EOPNOTSUPP: not enabled at boot. */
	cached_abi = r < 0 ? 0 : (int)r;
	return cached_abi;
}

/* --- PORTS -------------------------------------------------------------------------------- */

static int range_cmp(const void *a, const void *b)
{
	const struct nsb_port_range *x = a, *y = b;

	return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Sort and merge overlapping or adjacent ranges in place. */
static void port_set_normalize(struct nsb_port_set *set)
{
	size_t out = 0;

	if (set->n == 0)
		return;
	qsort(set->r, set->n, sizeof(set->r[0]), range_cmp);
	for (size_t i = 1; i < set->n; i++) {
		struct nsb_port_range *last = &set->r[out];

		if ((uint32_t)set->r[i].lo <= (uint32_t)last->hi + 1) {
			if (set->r[i].hi > last->hi)
				last->hi = set->r[i].hi;
		} else {
			set->r[++out] = set->r[i];
		}
	}
	set->n = out + 1;
}

int nsb_port_set_parse(struct nsb_port_set *set, const char *value, bool allow_zero, char *why)
{
	/* A value is at most 65536 items; more would be a typo or an attack
	 * on the argument limit, refused by length below. */
	size_t len = strlen(value), items = 1, n = 0;
	_cleanup_free_ struct nsb_port_range *r = NULL;
	const char *p = value;

	if (len == 0) {
		snprintf(why, NSB_WHY_MAX, "no port given");
		return -EINVAL;
	}
	if (len > 4096) {
		snprintf(why, NSB_WHY_MAX, "the list is longer than 4096 characters");
		return -EINVAL;
	}
	for (const char *c = value; *c; c++)
		items += *c == ',';
	r = calloc(set->n + items, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (;;) {
		const char *end = strchrnul(p, ',');
		const char *dash = memchr(p, '-', (size_t)(end - p));
		uint16_t lo, hi;
		int e;

		if (end == p) {
			snprintf(why, NSB_WHY_MAX, "empty item in the list");
			return -EINVAL;
		}
		if (dash) {
			e = nsb_net_port_parse(p, (size_t)(dash - p), allow_zero, &lo, why);
			if (e == 0)
				e = nsb_net_port_parse(dash + 1, (size_t)(end - dash - 1),
				                       allow_zero, &hi, why);
			if (e < 0)
				return e;
			if (lo > hi) {
				snprintf(why, NSB_WHY_MAX, "range %.*s ends before it starts",
				         (int)(end - p), p);
				return -EINVAL;
			}
		} else {
			e = nsb_net_port_parse(p, (size_t)(end - p), allow_zero, &lo, why);
			if (e < 0)
				return e;
			hi = lo;
		}
		r[n].lo = lo;
		r[n].hi = hi;
		n++;
		if (!*end)
			break;
		p = end + 1;
	}
	if (set->n)
		memcpy(r + n, set->r, set->n * sizeof(*r));
	free(set->r);
	set->r = TAKE_PTR(r);
	set->n += n;
	port_set_normalize(set);
	return 0;
}

size_t nsb_port_set_count(const struct nsb_port_set *set)
{
	size_t c = 0;

	for (size_t i = 0; i < set->n; i++)
		c += (size_t)set->r[i].hi - set->r[i].lo + 1;
	return c;
}

bool nsb_port_set_has(const struct nsb_port_set *set, uint16_t port)
{
	for (size_t i = 0; i < set->n; i++)
		if (port >= set->r[i].lo && port <= set->r[i].hi)
			return true;
	return false;
}

void nsb_port_set_free(struct nsb_port_set *set)
{
	free(set->r);
	set->r = NULL;
	set->n = 0;
}

/* --- applying ----------------------------------------------------------------------------- */

bool nsb_landlock_wanted(const struct nsb_landlock *ll)
{
	return ll->scope_abstract_unix != NSB_LANDLOCK_OFF ||
	       ll->scope_signals != NSB_LANDLOCK_OFF || ll->tcp_connect_given || ll->tcp_bind_given;
}

static const char *linux_for(int abi)
{
	return abi >= 1 && abi < (int)NSB_ELEMENTSOF(abi_linux) ? abi_linux[abi] : "?";
}

static void say_kernel_has(char *buf, size_t size, int abi)
{
	if (abi == 0)
		snprintf(buf, size, "Landlock is missing or disabled in this kernel");
	else
		snprintf(buf, size, "this kernel has Landlock ABI %d", abi);
}

/* One option against the kernel's ABI: true if it can be applied. A
 * missing MUST feature is logged and sets *failed; a missing TRY feature
 * warns once (bit in warned). */
static bool feature_ok(enum nsb_landlock_want want, const char *option, int need, int abi,
                       unsigned warn_bit, bool *failed)
{
	char has[64];

	if (want == NSB_LANDLOCK_OFF)
		return false;
	if (abi >= need)
		return true;
	say_kernel_has(has, sizeof(has), abi);
	if (want == NSB_LANDLOCK_MUST) {
		nsb_err("%s needs Landlock ABI %d (Linux %s or later); %s", option, need,
		        linux_for(need), has);
		*failed = true;
	} else if (!(warned & warn_bit)) {
		nsb_warn("%s-try: Landlock ABI %d (Linux %s) is needed and %s; going on without "
		         "it",
		         option, need, linux_for(need), has);
		warned |= warn_bit;
	}
	return false;
}

/* What the kernel will be asked to handle, after checking every option. */
struct ll_plan {
	uint64_t scoped;
	uint64_t net;
};

static int plan(const struct nsb_landlock *ll, struct ll_plan *p)
{
	int abi = nsb_landlock_abi();
	bool failed = false;

	*p = (struct ll_plan){0};
	if (feature_ok(ll->scope_abstract_unix, "--scope-abstract-af-unix", ABI_SCOPE, abi,
	               WARNED_UNIX, &failed))
		p->scoped |= LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	if (feature_ok(ll->scope_signals, "--scope-signals", ABI_SCOPE, abi, WARNED_SIGNALS,
	               &failed))
		p->scoped |= LANDLOCK_SCOPE_SIGNAL;
	/* The port options have no -try form: NSB_LANDLOCK_MUST. */
	if (feature_ok(ll->tcp_connect_given ? NSB_LANDLOCK_MUST : NSB_LANDLOCK_OFF,
	               "--landlock-tcp-connect", ABI_NET, abi, 0, &failed))
		p->net |= LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (feature_ok(ll->tcp_bind_given ? NSB_LANDLOCK_MUST : NSB_LANDLOCK_OFF,
	               "--landlock-tcp-bind", ABI_NET, abi, 0, &failed))
		p->net |= LANDLOCK_ACCESS_NET_BIND_TCP;
	return failed ? -EOPNOTSUPP : 0;
}

int nsb_landlock_check(const struct nsb_landlock *ll)
{
	struct ll_plan p;

	if (!nsb_landlock_wanted(ll))
		return 0;
	return plan(ll, &p);
}

static int add_port_rules(int fd, const struct nsb_port_set *set, uint64_t access,
                          const char *option)
{
	for (size_t i = 0; i < set->n; i++) {
		for (uint32_t port = set->r[i].lo; port <= set->r[i].hi; port++) {
			struct ll_net_port_attr a = {.allowed_access = access, .port = port};

			if (syscall(__NR_landlock_add_rule, fd, LANDLOCK_RULE_NET_PORT, &a, 0) < 0)
				return nsb_log_errno(errno,
				                     "%s: cannot add the Landlock rule for "
				                     "port %u",
				                     option, port);
		}
	}
	return 0;
}

int nsb_landlock_apply(const struct nsb_landlock *ll)
{
	struct ll_ruleset_attr attr = {0};
	_cleanup_close_ int fd = -1;
	struct ll_plan p;
	size_t size;
	int r;

	if (!nsb_landlock_wanted(ll))
		return 0;
	r = plan(ll, &p);
	if (r < 0)
		return r;
	if (!p.scoped && !p.net)
		return 0; /* only -try options, none supported: warned */
	attr.handled_access_net = p.net;
	attr.scoped = p.scoped;
	/* Tell the kernel only about the fields it knows; unknown trailing
	 * fields would be refused even when zero-filled on old kernels. */
	size = p.scoped ? sizeof(attr) : offsetof(struct ll_ruleset_attr, scoped);
	fd = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return nsb_log_errno(errno, "Landlock: cannot create a ruleset");
	if (ll->tcp_connect_given) {
		r = add_port_rules(fd, &ll->tcp_connect, LANDLOCK_ACCESS_NET_CONNECT_TCP,
		                   "--landlock-tcp-connect");
		if (r < 0)
			return r;
	}
	if (ll->tcp_bind_given) {
		r = add_port_rules(fd, &ll->tcp_bind, LANDLOCK_ACCESS_NET_BIND_TCP,
		                   "--landlock-tcp-bind");
		if (r < 0)
			return r;
	}
	/* Required unless CAP_SYS_ADMIN; nsbox sets it anyway at start. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return nsb_log_errno(errno, "Landlock: cannot set no_new_privs");
	if (syscall(__NR_landlock_restrict_self, fd, 0) < 0)
		return nsb_log_errno(errno, "Landlock: cannot restrict COMMAND");
	return 0;
}

void nsb_landlock_free(struct nsb_landlock *ll)
{
	nsb_port_set_free(&ll->tcp_connect);
	nsb_port_set_free(&ll->tcp_bind);
}
