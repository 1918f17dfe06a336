/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `nsbox-oci spec` (a default config.json) and `nsbox-oci features` (the
 * features structure of the runtime specification, features.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "oci/cli.h"
#include "oci/json.h"
#include "oci/spec.h"
#include "util.h"
#ifdef HAVE_LIBSECCOMP
#include <seccomp.h>
#endif

static void strings(struct nsb_jw *w, const char *key, const char *const *v, size_t n)
{
	nsb_jw_key(w, key);
	nsb_jw_begin_array(w);
	for (size_t i = 0; i < n; i++)
		if (v[i])
			nsb_jw_string(w, v[i]);
	nsb_jw_end_array(w);
}

static void mount(struct nsb_jw *w, const char *dest, const char *type, const char *source,
                  const char *const *options, size_t n)
{
	nsb_jw_begin_object(w);
	nsb_jw_kstring(w, "destination", dest);
	nsb_jw_kstring(w, "type", type);
	nsb_jw_kstring(w, "source", source);
	if (n)
		strings(w, "options", options, n);
	nsb_jw_end_object(w);
}

#define MOUNT(w, d, t, s, ...)                                 \
	do {                                                   \
		static const char *const o_[] = {__VA_ARGS__}; \
		mount(w, d, t, s, o_, NSB_ELEMENTSOF(o_));     \
	} while (0)

static void idmap(struct nsb_jw *w, const char *key, unsigned host)
{
	nsb_jw_key(w, key);
	nsb_jw_begin_array(w);
	nsb_jw_begin_object(w);
	nsb_jw_kint(w, "containerID", 0);
	nsb_jw_kint(w, "hostID", host);
	nsb_jw_kint(w, "size", 1);
	nsb_jw_end_object(w);
	nsb_jw_end_array(w);
}

int nsb_oci_spec_default(FILE *f, bool rootless, unsigned uid, unsigned gid)
{
	static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
	static const char *const env[] = {
	        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	        "TERM=xterm",
	};
	static const char *const masked[] = {
	        "/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
	        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	        "/proc/scsi",          "/sys/firmware",
	};
	static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
	                                       "/proc/sysrq-trigger"};
	static const char *const ns_root[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
	static const char *const ns_rootless[] = {"pid", "ipc", "uts", "mount", "cgroup", "user"};
	const char *const *ns = rootless ? ns_rootless : ns_root;
	struct nsb_jw w;

	nsb_jw_init(&w, f, "\t");
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "ociVersion", NSB_OCI_VERSION);

	nsb_jw_key(&w, "process");
	nsb_jw_begin_object(&w);
	nsb_jw_kbool(&w, "terminal", true);
	nsb_jw_key(&w, "user");
	nsb_jw_begin_object(&w);
	nsb_jw_kint(&w, "uid", 0);
	nsb_jw_kint(&w, "gid", 0);
	nsb_jw_end_object(&w);
	strings(&w, "args", (const char *const[]){"sh"}, 1);
	strings(&w, "env", env, NSB_ELEMENTSOF(env));
	nsb_jw_kstring(&w, "cwd", "/");
	nsb_jw_key(&w, "capabilities");
	nsb_jw_begin_object(&w);
	strings(&w, "bounding", caps, NSB_ELEMENTSOF(caps));
	strings(&w, "effective", caps, NSB_ELEMENTSOF(caps));
	strings(&w, "permitted", caps, NSB_ELEMENTSOF(caps));
	nsb_jw_end_object(&w);
	nsb_jw_key(&w, "rlimits");
	nsb_jw_begin_array(&w);
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "type", "RLIMIT_NOFILE");
	nsb_jw_kint(&w, "hard", 1024);
	nsb_jw_kint(&w, "soft", 1024);
	nsb_jw_end_object(&w);
	nsb_jw_end_array(&w);
	nsb_jw_kbool(&w, "noNewPrivileges", true);
	nsb_jw_end_object(&w);

	nsb_jw_key(&w, "root");
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "path", "rootfs");
	nsb_jw_kbool(&w, "readonly", true);
	nsb_jw_end_object(&w);
	nsb_jw_kstring(&w, "hostname", "nsbox-oci");

	nsb_jw_key(&w, "mounts");
	nsb_jw_begin_array(&w);
	MOUNT(&w, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
	MOUNT(&w, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
	if (rootless)
		MOUNT(&w, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance",
		      "ptmxmode=0666", "mode=0620");
	else
		MOUNT(&w, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance",
		      "ptmxmode=0666", "mode=0620", "gid=5");
	MOUNT(&w, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777",
	      "size=65536k");
	MOUNT(&w, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
	/* Without a network namespace of its own, a sysfs mount is refused:
	 * the rootless config binds the host's. */
	if (rootless) {
		MOUNT(&w, "/sys", "bind", "/sys", "rbind", "nosuid", "noexec", "nodev", "ro");
	} else {
		MOUNT(&w, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
		MOUNT(&w, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev",
		      "relatime", "ro");
	}
	nsb_jw_end_array(&w);

	nsb_jw_key(&w, "linux");
	nsb_jw_begin_object(&w);
	if (rootless) {
		idmap(&w, "uidMappings", uid);
		idmap(&w, "gidMappings", gid);
	} else {
		nsb_jw_key(&w, "resources");
		nsb_jw_begin_object(&w);
		nsb_jw_key(&w, "devices");
		nsb_jw_begin_array(&w);
		nsb_jw_begin_object(&w);
		nsb_jw_kbool(&w, "allow", false);
		nsb_jw_kstring(&w, "access", "rwm");
		nsb_jw_end_object(&w);
		nsb_jw_end_array(&w);
		nsb_jw_end_object(&w);
	}
	nsb_jw_key(&w, "namespaces");
	nsb_jw_begin_array(&w);
	for (size_t i = 0; i < 6; i++) {
		nsb_jw_begin_object(&w);
		nsb_jw_kstring(&w, "type", ns[i]);
		nsb_jw_end_object(&w);
	}
	nsb_jw_end_array(&w);
	strings(&w, "maskedPaths", masked, NSB_ELEMENTSOF(masked));
	strings(&w, "readonlyPaths", readonly, NSB_ELEMENTSOF(readonly));
	nsb_jw_end_object(&w);
	nsb_jw_end_object(&w);
	return nsb_jw_finish(&w);
}

int nsb_oci_cmd_spec(const struct nsb_oci_cli *cli)
{
	const char *bundle = cli->bundle ? cli->bundle : ".";
	_cleanup_close_ int dfd = -1, fd = -1;
	FILE *f;
	int r;

	dfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return nsb_log_errno(errno, "spec: --bundle '%s'", bundle), EXIT_FAILURE;
	fd = openat(dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == EEXIST) {
		nsb_err("spec: '%s/config.json' already exists: remove it first", bundle);
		return EXIT_FAILURE;
	}
	if (fd < 0)
		return nsb_log_errno(errno, "spec: cannot create '%s/config.json'", bundle),
		       EXIT_FAILURE;
	f = fdopen(fd, "w");
	if (!f)
		return nsb_log_errno(ENOMEM, "spec"), EXIT_FAILURE;
	fd = -1;
	r = nsb_oci_spec_default(f, cli->spec_rootless, (unsigned)getuid(), (unsigned)getgid());
	if (fclose(f) != 0 || r < 0) {
		nsb_log_errno(EIO, "spec: cannot write '%s/config.json'", bundle);
		unlinkat(dfd, "config.json", 0);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* --- features -------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int nsb_oci_features(FILE *f)
{
	const char *words[128], *names[64];
	size_t n = 0;
	struct nsb_jw w;

	nsb_jw_init(&w, f, "    ");
	nsb_jw_begin_object(&w);
	nsb_jw_kstring(&w, "ociVersionMin", "1.0.0");
	nsb_jw_kstring(&w, "ociVersionMax", NSB_OCI_VERSION);
	n = 0;
	for (int k = 0; k < NSB_OCI_HOOK_N_KINDS; k++)
		names[n++] = nsb_oci_hook_name((enum nsb_oci_hook_kind)k);
	strings(&w, "hooks", names, n);
	for (n = 0; n < NSB_ELEMENTSOF(words) && nsb_oci_mount_option_word(n); n++)
		words[n] = nsb_oci_mount_option_word(n);
	qsort(words, n, sizeof(*words), cmp_str);
	strings(&w, "mountOptions", words, n);

	nsb_jw_key(&w, "linux");
	nsb_jw_begin_object(&w);
	for (n = 0; n < NSB_OCI_NS_N; n++)
		names[n] = nsb_oci_ns_name((enum nsb_oci_ns)n);
	strings(&w, "namespaces", names, n);
	for (n = 0; n <= NSB_OCI_CAP_MAX; n++)
		names[n] = nsb_oci_cap_name((int)n);
	strings(&w, "capabilities", names, n);
	nsb_jw_key(&w, "cgroup");
	nsb_jw_begin_object(&w);
	nsb_jw_kbool(&w, "v1", true);
	nsb_jw_kbool(&w, "v2", true);
	/* --systemd-cgroup paths are taken, without a D-Bus scope (see
	 * nsbox-oci(1)); a user's systemd is not asked for delegation. */
	nsb_jw_kbool(&w, "systemd", true);
	nsb_jw_kbool(&w, "systemdUser", false);
	nsb_jw_end_object(&w);
	nsb_jw_key(&w, "seccomp");
	nsb_jw_begin_object(&w);
#ifdef HAVE_LIBSECCOMP
	nsb_jw_kbool(&w, "enabled", true);
#else
	nsb_jw_kbool(&w, "enabled", false);
#endif
	for (n = 0; nsb_oci_sc_action_name((enum nsb_oci_sc_action)n); n++)
		names[n] = nsb_oci_sc_action_name((enum nsb_oci_sc_action)n);
	qsort(names, n, sizeof(*names), cmp_str);
	strings(&w, "actions", names, n);
	for (n = 0; nsb_oci_sc_op_name((enum nsb_oci_sc_op)n); n++)
		names[n] = nsb_oci_sc_op_name((enum nsb_oci_sc_op)n);
	qsort(names, n, sizeof(*names), cmp_str);
	strings(&w, "operators", names, n);
	for (n = 0; nsb_oci_seccomp_arch_names[n]; n++)
		names[n] = nsb_oci_seccomp_arch_names[n];
	qsort(names, n, sizeof(*names), cmp_str);
	strings(&w, "archs", names, n);
	for (n = 0; nsb_oci_sc_flag_name((unsigned)n); n++)
		names[n] = nsb_oci_sc_flag_name((unsigned)n);
	strings(&w, "knownFlags", names, n);
	strings(&w, "supportedFlags", names, n);
	nsb_jw_end_object(&w);
	/* What this build can apply: AppArmor profiles through /proc (no
	 * library), SELinux labels with libselinux. */
	nsb_jw_key(&w, "apparmor");
	nsb_jw_begin_object(&w);
	nsb_jw_kbool(&w, "enabled", true);
	nsb_jw_end_object(&w);
	nsb_jw_key(&w, "selinux");
	nsb_jw_begin_object(&w);
#ifdef HAVE_LIBSELINUX
	nsb_jw_kbool(&w, "enabled", true);
#else
	nsb_jw_kbool(&w, "enabled", false);
#endif
	nsb_jw_end_object(&w);
	nsb_jw_key(&w, "intelRdt");
	nsb_jw_begin_object(&w);
	nsb_jw_kbool(&w, "enabled", false);
	nsb_jw_end_object(&w);
	nsb_jw_key(&w, "mountExtensions");
	nsb_jw_begin_object(&w);
	nsb_jw_key(&w, "idmap");
	nsb_jw_begin_object(&w);
	nsb_jw_kbool(&w, "enabled", true);
	nsb_jw_end_object(&w);
	nsb_jw_end_object(&w);
	nsb_jw_end_object(&w);

	nsb_jw_key(&w, "annotations");
	nsb_jw_begin_object(&w);
#ifdef HAVE_LIBSECCOMP
	{
		char v[64];

		snprintf(v, sizeof(v), "%d.%d.%d", SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
		nsb_jw_kstring(&w, "io.github.seccomp.libseccomp.version", v);
	}
#endif
	nsb_jw_kstring(&w, "org.nsbox.version", PACKAGE_VERSION);
	nsb_jw_end_object(&w);
	nsb_jw_end_object(&w);
	return nsb_jw_finish(&w);
}

int nsb_oci_cmd_features(const struct nsb_oci_cli *cli)
{
	int r = nsb_oci_features(stdout);

	if (r < 0)
		return nsb_log_errno(EIO, "features: cannot write to stdout"), EXIT_FAILURE;
	return EXIT_SUCCESS;
}
