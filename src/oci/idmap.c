/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "oci/idmap.h"
#include "util.h"

/* 340 lines of three 10-digit numbers. */
#define MAP_MAX (NSB_OCI_MAX_IDMAP * 36)

int nsb_oci_idmap_format(const struct nsb_oci_idmaps *maps, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < maps->n; i++) {
		int n = snprintf(buf + len, size - len, "%u %u %u\n", maps->v[i].container_id,
		                 maps->v[i].host_id, maps->v[i].size);

		if (n < 0 || (size_t)n >= size - len)
			return -E2BIG;
		len += (size_t)n;
	}
	return (int)len;
}

/* newuidmap PID C H S [C H S...]: its output is the message on failure. */
static int run_helper(const char *prog, pid_t pid, const struct nsb_oci_idmaps *maps,
                      const char *what)
{
	_cleanup_free_ char **argv = NULL, *out = NULL, *strs = NULL;
	size_t n = 0;
	int p[2], st, r;
	pid_t child;

	argv = calloc(3 * maps->n + 3, sizeof(char *));
	strs = malloc((3 * maps->n + 1) * 12);
	if (!argv || !strs)
		return nsb_log_errno(ENOMEM, "%s", what);
	argv[n++] = (char *)prog;
	snprintf(strs, 12, "%d", (int)pid);
	argv[n++] = strs;
	for (size_t i = 0; i < maps->n; i++) {
		const uint32_t v[3] = {maps->v[i].container_id, maps->v[i].host_id,
		                       maps->v[i].size};

		for (int k = 0; k < 3; k++) {
			char *s = strs + 12 * (3 * i + k + 1);

			snprintf(s, 12, "%u", v[k]);
			argv[n++] = s;
		}
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return nsb_log_errno(errno, "%s: %s", what, prog);
	child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return nsb_log_errno(errno, "%s: %s", what, prog);
	}
	if (child == 0) {
		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		execvp(prog, argv);
		fprintf(stderr, "%s", strerror(errno));
		_exit(127);
	}
	close(p[1]);
	r = nsb_read_all(p[0], 4096, &out, NULL);
	close(p[0]);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	if (out)
		out[strcspn(out, "\n")] = '\0';
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		nsb_err("%s: several ranges need %s (Debian's uidmap package), which cannot run: "
		        "%s",
		        what, prog, r >= 0 && out ? out : "?");
		return -ENOENT;
	}
	nsb_err("%s: %s failed (are the ranges in /etc/sub%cid for uid %u?): %s", what, prog,
	        prog[3] == 'u' ? 'u' : 'g', (unsigned)getuid(), r >= 0 && out ? out : "");
	return -EPERM;
}

static int write_direct(pid_t pid, const char *file, const struct nsb_oci_idmaps *maps,
                        const char *what)
{
	char path[64], buf[MAP_MAX];
	int r;

	if (nsb_oci_idmap_format(maps, buf, sizeof(buf)) < 0)
		return nsb_log_errno(E2BIG, "%s", what);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = nsb_write_file_at(AT_FDCWD, path, buf);
	if (r < 0)
		return nsb_log_errno(r, "%s: cannot write %s", what, path);
	return 0;
}

static bool own_id_only(const struct nsb_oci_idmaps *maps, unsigned id)
{
	return maps->n == 1 && maps->v[0].size == 1 && maps->v[0].host_id == id;
}

int nsb_oci_idmap_write(pid_t pid, const struct nsb_oci_linux *l)
{
	static const char *const uwhat = "config.json: linux.uidMappings",
	                         *const gwhat = "config.json: linux.gidMappings";
	uint64_t eff = 0, perm = 0;
	bool setuid_cap, setgid_cap;
	int r;

	(void)nsb_caps_get(&eff, &perm);
	setuid_cap = eff & (UINT64_C(1) << CAP_SETUID);
	setgid_cap = eff & (UINT64_C(1) << CAP_SETGID);

	/* gid first: newgidmap must see setgroups still allowed, and a
	 * direct single gid needs it denied before. */
	if (setgid_cap) {
		r = write_direct(pid, "gid_map", &l->gid_mappings, gwhat);
	} else if (own_id_only(&l->gid_mappings, (unsigned)getegid())) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		r = nsb_write_file_at(AT_FDCWD, path, "deny");
		if (r < 0 && r != -ENOENT)
			return nsb_log_errno(r, "%s: cannot deny setgroups", gwhat);
		r = write_direct(pid, "gid_map", &l->gid_mappings, gwhat);
	} else {
		r = run_helper("newgidmap", pid, &l->gid_mappings, gwhat);
	}
	if (r < 0)
		return r;
	if (setuid_cap || own_id_only(&l->uid_mappings, (unsigned)geteuid()))
		return write_direct(pid, "uid_map", &l->uid_mappings, uwhat);
	return run_helper("newuidmap", pid, &l->uid_mappings, uwhat);
}
