/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "dryrun.h"
#include "log.h"
#include "ops.h"
#include "rlimit.h"
#include "util.h"

static void print_attrs(FILE *out, unsigned attrs)
{
	static const struct {
		unsigned attr;
		const char *name;
	} names[] = {
	        {MOUNT_ATTR_RDONLY, "ro"},
	        {MOUNT_ATTR_NOSUID, "nosuid"},
	        {MOUNT_ATTR_NODEV, "nodev"},
	        {MOUNT_ATTR_NOEXEC, "noexec"},
	};
	const char *sep = "  [";

	for (size_t i = 0; i < NSB_ELEMENTSOF(names); i++) {
		if (attrs & names[i].attr) {
			fprintf(out, "%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	if (*sep == ',')
		fputc(']', out);
}

/* A bind source must exist for the launch to succeed (but -try). */
static int check_source(const struct nsb_op *op, const char *cwd)
{
	_cleanup_free_ char *abs = NULL;
	struct stat st;

	if (!(nsb_op_kind_info(op->kind)->flags & NSB_OPK_HOST_SOURCE))
		return 0;
	if (op->src[0] != '/' && cwd && asprintf(&abs, "%s/%s", cwd, op->src) < 0)
		return -ENOMEM;
	if (stat(abs ? abs : op->src, &st) == 0)
		return 0;
	if (errno == ENOENT && (op->flags & NSB_OPF_ALLOW_MISSING))
		return 0;
	return nsb_log_errno(errno, "Can't find source path %s", op->src);
}

static void print_op(FILE *out, size_t i, const struct nsb_op *op)
{
	const struct nsb_op_kind_info *info = nsb_op_kind_info(op->kind);

	fprintf(out, "  %3zu  %s", i + 1, op->opt);
	for (size_t k = 0; k < op->n_layers; k++)
		fprintf(out, "%s%s", k ? ":" : " layers=", op->layers[k]);
	if (op->fd >= 0)
		fprintf(out, " fd %d", op->fd);
	if (op->src)
		fprintf(out, " %s", op->src);
	if (op->workdir)
		fprintf(out, " %s", op->workdir);
	fprintf(out, " %s", op->dest);
	if (op->perms >= 0)
		fprintf(out, "  mode %04o", (unsigned)op->perms);
	if (op->size)
		fprintf(out, "  size %llu", (unsigned long long)op->size);
	print_attrs(out, info->attrs);
	if (op->flags & NSB_OPF_ALLOW_MISSING)
		fprintf(out, "  (skipped if missing)");
	fputc('\n', out);
}

static void print_namespaces(FILE *out, const struct nsb_config *cfg, const struct nsb_plan *plan,
                             unsigned long flags)
{
	static const struct {
		unsigned long flag;
		const char *name;
	} ns[] = {
	        {CLONE_NEWUSER, "user"},     {CLONE_NEWNS, "mnt"},  {CLONE_NEWPID, "pid"},
	        {CLONE_NEWNET, "net"},       {CLONE_NEWIPC, "ipc"}, {CLONE_NEWUTS, "uts"},
	        {CLONE_NEWCGROUP, "cgroup"},
	};

	fprintf(out, "namespaces: new");
	for (size_t i = 0; i < NSB_ELEMENTSOF(ns); i++)
		if ((flags & ns[i].flag) || (ns[i].flag == CLONE_NEWPID && plan->pidns_relay))
			fprintf(out, " %s", ns[i].name);
	if (cfg->userns_fd >= 0)
		fprintf(out, "; user joined from fd %d", cfg->userns_fd);
	if (cfg->pidns_fd >= 0)
		fprintf(out, "; pid joined from fd %d", cfg->pidns_fd);
	fputc('\n', out);
	if (plan->userns && plan->write_maps && plan->nested_userns)
		fprintf(out,
		        "id maps: uid 0 -> %u, gid 0 -> %u (devpts), then COMMAND in a nested "
		        "user namespace: uid %u -> 0, gid %u -> 0\n",
		        plan->outer_uid, plan->outer_gid, cfg->sandbox_uid, cfg->sandbox_gid);
	else if (plan->userns && plan->write_maps)
		fprintf(out, "id maps: uid %u -> %u, gid %u -> %u, setgroups deny\n",
		        cfg->sandbox_uid, plan->outer_uid, cfg->sandbox_gid, plan->outer_gid);
	else if (plan->userns)
		fprintf(out, "id maps: written by the caller (--userns-block-fd %d)\n",
		        cfg->userns_block_fd);
	if (cfg->hostname)
		fprintf(out, "hostname: %s\n", cfg->hostname);
	if (plan->netns)
		fprintf(out, "network: loopback only\n");
}

static void print_process(FILE *out, const struct nsb_config *cfg, const struct nsb_plan *plan)
{
	char name[64];

	if (plan->reaper)
		fprintf(out, "pid 1: nsbox's reaper%s; COMMAND runs as its child\n",
		        plan->joinable ? " (joinable by the caller)" : "");
	else if (plan->pidns)
		fprintf(out, "pid 1: COMMAND\n");
	if (cfg->chdir_path)
		fprintf(out, "cwd: %s\n", cfg->chdir_path);
	else
		fprintf(out, "cwd: %s if it exists inside, else $HOME, else /\n",
		        plan->cwd ? plan->cwd : "(the caller's)");
	for (size_t i = 0; i < cfg->n_env; i++) {
		const struct nsb_env_op *e = &cfg->env[i];

		if (e->kind == NSB_ENV_SET)
			fprintf(out, "environment: set %s=%s\n", e->name, e->value);
		else if (e->kind == NSB_ENV_UNSET)
			fprintf(out, "environment: unset %s\n", e->name);
		else
			fprintf(out, "environment: clear\n");
	}
	fprintf(out, "capabilities:");
	if (!plan->set_caps) {
		fprintf(out, " the caller's\n");
	} else if (!plan->keep_caps) {
		fprintf(out, " none\n");
	} else {
		for (int c = 0; c < 64; c++)
			if (plan->keep_caps & (UINT64_C(1) << c))
				fprintf(out, " %s", nsb_caps_name(c, name, sizeof(name)));
		fprintf(out, "%s\n", plan->ambient_caps ? " (ambient too)" : "");
	}
	for (size_t i = 0; i < cfg->n_rlimits; i++) {
		const struct nsb_rlimit *l = &cfg->rlimits[i];

		fprintf(out, "rlimit: %s soft ", nsb_rlimit_name(l->resource));
		if (l->soft == RLIM_INFINITY)
			fprintf(out, "unlimited");
		else
			fprintf(out, "%llu", (unsigned long long)l->soft);
		if (!l->hard_given)
			fprintf(out, ", hard unchanged\n");
		else if (l->hard == RLIM_INFINITY)
			fprintf(out, ", hard unlimited\n");
		else
			fprintf(out, ", hard %llu\n", (unsigned long long)l->hard);
	}
}

static void print_lockdown(FILE *out, const struct nsb_config *cfg)
{
	for (size_t i = 0; i < cfg->n_seccomp_profiles; i++)
		fprintf(out, "seccomp: profile %s (compiled)\n", cfg->seccomp_profiles[i]);
	for (size_t i = 0; i < cfg->n_seccomp_policies; i++)
		fprintf(out, "seccomp: policy %s (compiled)\n", cfg->seccomp_policies[i]);
	if (cfg->n_add_seccomp_progs)
		fprintf(out, "seccomp: %zu program(s) from --add-seccomp-fd\n",
		        cfg->n_add_seccomp_progs);
	if (cfg->seccomp_fd >= 0)
		fprintf(out, "seccomp: a program read from fd %d just before exec\n",
		        cfg->seccomp_fd);
	fprintf(out, "no_new_privs: set\n");
	if (cfg->new_session)
		fprintf(out, "session: new (setsid)\n");
	if (cfg->exec_label)
		fprintf(out, "SELinux exec label: %s\n", cfg->exec_label);
}

static void print_lifecycle(FILE *out, const struct nsb_config *cfg)
{
	const struct {
		const char *opt;
		int fd;
	} fds[] = {
	        {"--info-fd", cfg->info_fd},
	        {"--json-status-fd", cfg->json_status_fd},
	        {"--sync-fd", cfg->sync_fd},
	        {"--block-fd", cfg->block_fd},
	        {"--userns-block-fd", cfg->userns_block_fd},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(fds); i++)
		if (fds[i].fd >= 0)
			fprintf(out, "%s: fd %d (not used by the dry run)\n", fds[i].opt,
			        fds[i].fd);
	for (size_t i = 0; i < cfg->n_lock_files; i++)
		fprintf(out, "lock file: %s (held by pid 1)\n", cfg->lock_files[i]);
	if (cfg->die_with_parent)
		fprintf(out, "dies with its parent\n");
	if (cfg->kill_on_exit)
		fprintf(out, "kills what COMMAND leaves behind\n");
}

int nsb_dry_run(FILE *out, const struct nsb_config *cfg, const struct nsb_plan *plan,
                unsigned long clone_flags)
{
	for (size_t i = 0; i < cfg->n_ops; i++) {
		int r = check_source(&cfg->ops[i], plan->cwd);
		if (r < 0)
			return r;
	}
	fprintf(out, "nsbox --dry-run: nothing was created\n");
	print_namespaces(out, cfg, plan, clone_flags);
	fprintf(out, "new root: a tmpfs, then %zu operation(s) in order:\n", cfg->n_ops);
	for (size_t i = 0; i < cfg->n_ops; i++)
		print_op(out, i, &cfg->ops[i]);
	print_process(out, cfg, plan);
	print_lockdown(out, cfg);
	print_lifecycle(out, cfg);
	fprintf(out, "command:");
	if (cfg->argv0)
		fprintf(out, " (argv[0] %s)", cfg->argv0);
	for (char **a = cfg->command; *a; a++)
		fprintf(out, " %s", *a);
	fputc('\n', out);
	return fflush(out) == 0 ? 0 : -errno;
}
