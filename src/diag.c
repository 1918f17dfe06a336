/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"

/* --- output --------------------------------------------------------------- */

struct out {
	char *buf;
	size_t size, len;
};

static void say(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len = (size_t)n < o->size - o->len ? o->len + (size_t)n : o->size - 1;
}

/* Undo what say() wrote since mark (a prefix that led nowhere). */
static void unsay(struct out *o, size_t mark)
{
	o->len = mark;
	if (o->size)
		o->buf[mark] = '\0';
}

/* A path or name for a message: control characters escaped (a "\r" from a
 * CRLF #! line must be seen), long ones cut. */
struct shown {
	char s[512];
};

static struct shown show(const char *p)
{
	struct shown w;
	size_t n = 0;

	for (; *p && n + 8 < sizeof(w.s); p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\r')
			n += (size_t)snprintf(w.s + n, sizeof(w.s) - n, "\\r");
		else if (c == '\t')
			n += (size_t)snprintf(w.s + n, sizeof(w.s) - n, "\\t");
		else if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(w.s + n, sizeof(w.s) - n, "\\x%02x", c);
		else
			w.s[n++] = (char)c;
	}
	if (*p)
		n += (size_t)snprintf(w.s + n, sizeof(w.s) - n, "...");
	w.s[n] = '\0';
	return w;
}

#define SHOW(p) (show(p).s)

/* --- files ------------------------------------------------------------------ */

/* The kernel's limit on nested interpreters is 4 (then ELOOP). */
#define MAX_DEPTH 4
/* What the kernel reads of a file to pick its format (BINPRM_BUF_SIZE). */
#define HEAD_SIZE 256

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* dirname() without modifying the argument: "" for a name without '/'. */
static void parent_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (slash == path)
		n = 1;
	if (n >= size)
		n = size - 1;
	memcpy(buf, path, n);
	buf[n] = '\0';
}

/* The first directory on the way to path that cannot be searched. */
static bool explain_unsearchable(struct out *o, const char *path)
{
	char dir[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;

	if (len >= sizeof(dir))
		return false;
	for (size_t i = 1; i < len; i++) {
		if (path[i] != '/')
			continue;
		memcpy(dir, path, i);
		dir[i] = '\0';
		if (access(dir, X_OK) < 0 && errno == EACCES && stat(dir, &st) == 0) {
			say(o,
			    "the directory %s on the way to %s cannot be searched by uid %u (mode "
			    "%04o, owner %u:%u)",
			    SHOW(dir), SHOW(path), (unsigned)getuid(),
			    (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
			    (unsigned)st.st_gid);
			return true;
		}
	}
	return false;
}

/* --- ELF ---------------------------------------------------------------------- */

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#define COMPAT_MACHINE EM_386
#elif defined(__i386__)
#define NATIVE_MACHINE EM_386
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#define COMPAT_MACHINE EM_ARM
#elif defined(__arm__)
#define NATIVE_MACHINE EM_ARM
#elif defined(__powerpc64__)
#define NATIVE_MACHINE EM_PPC64
#define COMPAT_MACHINE EM_PPC
#elif defined(__powerpc__)
#define NATIVE_MACHINE EM_PPC
#elif defined(__s390x__) || defined(__s390__)
#define NATIVE_MACHINE EM_S390
#elif defined(__riscv)
#define NATIVE_MACHINE EM_RISCV
#elif defined(__mips__)
#define NATIVE_MACHINE EM_MIPS
#elif defined(__loongarch__)
#define NATIVE_MACHINE 258 /* EM_LOONGARCH */
#endif
#ifndef COMPAT_MACHINE
#define COMPAT_MACHINE (-1)
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_DATA ELFDATA2LSB
#else
#define NATIVE_DATA ELFDATA2MSB
#endif
#define NATIVE_CLASS (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)

static const char *machine_name(unsigned m)
{
	static const struct {
		unsigned m;
		const char *name;
	} names[] = {
	        {EM_386, "i386"},         {EM_X86_64, "x86-64"},
	        {EM_ARM, "ARM"},          {EM_AARCH64, "AArch64 (arm64)"},
	        {EM_PPC, "PowerPC"},      {EM_PPC64, "64-bit PowerPC"},
	        {EM_S390, "s390"},        {EM_RISCV, "RISC-V"},
	        {EM_MIPS, "MIPS"},        {EM_SPARC, "SPARC"},
	        {EM_SPARCV9, "SPARC V9"}, {EM_IA_64, "IA-64"},
	        {EM_68K, "m68k"},         {EM_SH, "SuperH"},
	        {EM_PARISC, "PA-RISC"},   {EM_ALPHA, "Alpha"},
	        {258, "LoongArch"},
	};

	for (size_t i = 0; i < NSB_ELEMENTSOF(names); i++)
		if (names[i].m == m)
			return names[i].name;
	return NULL;
}

struct elf_head {
	unsigned char class, data;
	uint16_t type, machine;
	uint64_t phoff;
	uint16_t phentsize, phnum;
};

static uint16_t get16(const unsigned char *p, unsigned char data)
{
	return data == ELFDATA2LSB ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[0] << 8 | p[1]);
}

/* The fields we need, from the first bytes of the file; false if it is not
 * ELF. Program header fields only for the native byte order. */
static bool elf_head(const unsigned char *h, size_t n, struct elf_head *e)
{
	if (n < EI_NIDENT + 4 || memcmp(h, ELFMAG, SELFMAG) != 0)
		return false;
	*e = (struct elf_head){.class = h[EI_CLASS], .data = h[EI_DATA]};
	e->type = get16(h + 16, e->data);
	e->machine = get16(h + 18, e->data);
	if (e->data != NATIVE_DATA)
		return true;
	if (e->class == ELFCLASS64 && n >= sizeof(Elf64_Ehdr)) {
		Elf64_Ehdr eh;

		memcpy(&eh, h, sizeof(eh));
		e->phoff = eh.e_phoff;
		e->phentsize = eh.e_phentsize;
		e->phnum = eh.e_phnum;
	} else if (e->class == ELFCLASS32 && n >= sizeof(Elf32_Ehdr)) {
		Elf32_Ehdr eh;

		memcpy(&eh, h, sizeof(eh));
		e->phoff = eh.e_phoff;
		e->phentsize = eh.e_phentsize;
		e->phnum = eh.e_phnum;
	}
	return true;
}

/* PT_INTERP of a native ELF: 1 with the path, 0 if it has none (static), -1
 * if it cannot be read or is malformed. */
static int elf_interp(int fd, const struct elf_head *e, char *buf, size_t size)
{
	size_t want = e->class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	if (e->phentsize < want || e->phnum == 0)
		return -1;
	for (unsigned i = 0; i < e->phnum; i++) {
		uint64_t type, off, filesz;
		off_t at = (off_t)(e->phoff + (uint64_t)i * e->phentsize);

		if (e->class == ELFCLASS64) {
			Elf64_Phdr ph;

			if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
				return -1;
			type = ph.p_type, off = ph.p_offset, filesz = ph.p_filesz;
		} else {
			Elf32_Phdr ph;

			if (pread(fd, &ph, sizeof(ph), at) != (ssize_t)sizeof(ph))
				return -1;
			type = ph.p_type, off = ph.p_offset, filesz = ph.p_filesz;
		}
		if (type != PT_INTERP)
			continue;
		/* The kernel wants a NUL-terminated path of 2..PATH_MAX bytes. */
		if (filesz < 2 || filesz > size ||
		    pread(fd, buf, filesz, (off_t)off) != (ssize_t)filesz || buf[filesz - 1])
			return -1;
		return 1;
	}
	return 0;
}

/* How a file is run: depth 0.. as a command or #! interpreter (the kernel
 * follows at most MAX_DEPTH of those), or as an ELF interpreter. */
enum {
	ROLE_ELF_INTERP = -1,
};

static bool explain_file(struct out *o, const char *path, const char *path_env, int err, int depth);

/* Where the ELF interpreter should be, and why it may not be. */
static void explain_missing_interp(struct out *o, const char *path, const char *interp)
{
	/* Directories that merged-/usr systems make symbolic links into /usr:
	 * a sandbox that binds /usr needs the links too. */
	static const char *const merged[] = {"/lib",    "/lib64", "/lib32",
	                                     "/libx32", "/bin",   "/sbin"};
	char dir[PATH_MAX];
	bool link = false;

	say(o, "%s needs the ELF interpreter %s, which does not exist in the sandbox", SHOW(path),
	    SHOW(interp));
	parent_of(interp, dir, sizeof(dir));
	if (dir[0] != '/' || !dir[1])
		return;
	if (exists(dir)) {
		say(o, " (%s does: the program may be built for another C library, such as musl)",
		    SHOW(dir));
		return;
	}
	for (size_t i = 0; i < NSB_ELEMENTSOF(merged); i++)
		link = link || strcmp(dir, merged[i]) == 0;
	if (link)
		say(o,
		    " (nor does %s: add it, e.g. --symlink usr%s %s where it is a symbolic link on "
		    "the host, else --ro-bind %s %s)",
		    dir, dir, dir, dir, dir);
	else
		say(o, " (nor does %s: add it, e.g. --ro-bind %s %s)", SHOW(dir), SHOW(dir),
		    SHOW(dir));
}

/* An ELF for another machine, or a 32-bit one the kernel refused. */
static bool explain_machine(struct out *o, const char *path, const struct elf_head *e, int err)
{
#ifdef NATIVE_MACHINE
	struct utsname u;
	const char *name;
	bool compat;

	if (e->machine == NATIVE_MACHINE && e->class == NATIVE_CLASS && e->data == NATIVE_DATA)
		return false;
	compat = e->data == NATIVE_DATA &&
	         (e->machine == COMPAT_MACHINE ||
	          (e->machine == NATIVE_MACHINE && e->class != NATIVE_CLASS));
	/* A 32-bit program usually runs on its 64-bit sibling. */
	if (compat && err != ENOEXEC)
		return false;
	name = machine_name(e->machine);
	if (uname(&u) < 0)
		snprintf(u.machine, sizeof(u.machine), "?");
	if (name)
		say(o, "%s is a program for %s", SHOW(path), name);
	else
		say(o, "%s is a program for ELF machine type %u", SHOW(path), e->machine);
	say(o, ", %s-bit %s-endian; this machine is %s%s", e->class == ELFCLASS64 ? "64" : "32",
	    e->data == ELFDATA2LSB ? "little" : "big", u.machine,
	    compat ? ", whose kernel does not run 32-bit programs" : "");
	return true;
#else
	return false;
#endif
}

static bool explain_elf(struct out *o, const char *path, int fd, const struct elf_head *e, int err)
{
	char interp[PATH_MAX];
	size_t mark;
	int r;

	if (explain_machine(o, path, e, err))
		return true;
	if (e->type != ET_EXEC && e->type != ET_DYN) {
		say(o, "%s is an ELF %s, not a program", SHOW(path),
		    e->type == ET_REL    ? "object file (.o)"
		    : e->type == ET_CORE ? "core dump"
		                         : "file of an unknown type");
		return true;
	}
	r = elf_interp(fd, e, interp, sizeof(interp));
	if (r < 0 && err == ENOEXEC) {
		say(o, "%s is a damaged ELF file (its program headers cannot be read)", SHOW(path));
		return true;
	}
	if (r <= 0)
		return false;
	if (!exists(interp)) {
		explain_missing_interp(o, path, interp);
		return true;
	}
	mark = o->len;
	say(o, "%s needs the ELF interpreter %s: ", SHOW(path), SHOW(interp));
	if (explain_file(o, interp, NULL, err, ROLE_ELF_INTERP))
		return true;
	unsay(o, mark);
	return false;
}

/* --- scripts ------------------------------------------------------------------- */

static bool spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* The interpreter of a "#!" file as the kernel finds it in the first
 * HEAD_SIZE bytes (NUL-filled past the end of the file): 0, -ENOEXEC for a
 * line without one, -E2BIG for one cut short by the limit. */
static int script_interp(const char *h, char *ret, size_t size)
{
	const char *last = h + HEAD_SIZE - 1, *end, *name, *p;
	size_t len;

	end = memchr(h, '\n', HEAD_SIZE);
	if (!end) {
		/* No end of line: only an interpreter name followed by a blank
		 * or NUL within the buffer is known to be complete. */
		for (p = h + 2; p <= last && spacetab(*p); p++)
			;
		if (p > last)
			return -ENOEXEC;
		while (p <= last && !spacetab(*p) && *p)
			p++;
		if (p > last)
			return -E2BIG;
		end = last;
	}
	while (end > h + 2 && spacetab(end[-1]))
		end--;
	for (name = h + 2; name < end && spacetab(*name); name++)
		;
	if (name >= end || !*name)
		return -ENOEXEC;
	for (p = name; p < end && !spacetab(*p) && *p; p++)
		;
	len = (size_t)(p - name);
	if (len >= size)
		return -E2BIG;
	memcpy(ret, name, len);
	ret[len] = '\0';
	return 0;
}

/* The same name in a directory of PATH, for the hint. */
static bool find_in_path(const char *name, const char *path_env, char *buf, size_t size)
{
	const char *dir = path_env;

	if (!path_env || strchr(name, '/') || !*name)
		return false;
	while (dir) {
		const char *colon = strchr(dir, ':');
		size_t n = colon ? (size_t)(colon - dir) : strlen(dir);
		struct stat st;

		if (n > 0 && (size_t)snprintf(buf, size, "%.*s/%s", (int)n, dir, name) < size &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode))
			return true;
		dir = colon ? colon + 1 : NULL;
	}
	return false;
}

static bool explain_script(struct out *o, const char *path, const char *head, const char *path_env,
                           int err, int depth)
{
	char interp[PATH_MAX], other[PATH_MAX];
	const char *base;
	size_t len, mark;
	int r;

	r = script_interp(head, interp, sizeof(interp));
	if (r == -E2BIG) {
		say(o, "the #! line of %s is too long: the kernel reads only its first %d bytes",
		    SHOW(path), HEAD_SIZE);
		return true;
	}
	if (r < 0) {
		say(o, "%s starts with #! but names no interpreter", SHOW(path));
		return true;
	}
	len = strlen(interp);
	if (!exists(interp)) {
		if (interp[len - 1] == '\r') {
			say(o,
			    "%s has DOS line ends (CRLF): its #! line names '%s' with a carriage "
			    "return, which does not exist; convert the file, e.g. sed -i "
			    "'s/\\r$//' %s",
			    SHOW(path), SHOW(interp), SHOW(path));
			return true;
		}
		say(o, "%s is a script for %s (its #! line), which does not exist in the sandbox",
		    SHOW(path), SHOW(interp));
		base = strrchr(interp, '/');
		if (base && find_in_path(base + 1, path_env, other, sizeof(other)))
			say(o, "; %s does (#!/usr/bin/env %s finds it through PATH)", SHOW(other),
			    SHOW(base + 1));
		return true;
	}
	if (depth >= MAX_DEPTH) {
		say(o,
		    "%s is a script for %s, which is a script too, and so on: the kernel follows "
		    "at most %d #! interpreters",
		    SHOW(path), SHOW(interp), MAX_DEPTH);
		return true;
	}
	mark = o->len;
	say(o, "%s is a script for %s: ", SHOW(path), SHOW(interp));
	if (explain_file(o, interp, path_env, err, depth + 1))
		return true;
	unsay(o, mark);
	return false;
}

/* --- one file ---------------------------------------------------------------------- */

static bool explain_type(struct out *o, const char *path, const struct stat *st)
{
	const char *what = S_ISDIR(st->st_mode)    ? "a directory"
	                   : S_ISCHR(st->st_mode)  ? "a character device"
	                   : S_ISBLK(st->st_mode)  ? "a block device"
	                   : S_ISFIFO(st->st_mode) ? "a named pipe"
	                   : S_ISSOCK(st->st_mode) ? "a socket"
	                                           : NULL;

	if (!what)
		return false;
	say(o, "%s is %s, not a program", SHOW(path), what);
	return true;
}

static bool explain_permissions(struct out *o, const char *path, const struct stat *st)
{
	struct statvfs sv;

	/* access(X_OK) fails on a noexec mount too: that first. */
	if (statvfs(path, &sv) == 0 && (sv.f_flag & ST_NOEXEC)) {
		say(o, "%s is on a file system mounted noexec, where nothing can be executed",
		    SHOW(path));
		return true;
	}
	if (access(path, X_OK) == 0 || errno != EACCES)
		return false;
	if (!(st->st_mode & 0111))
		say(o, "%s is not executable (mode %04o): chmod +x %s", SHOW(path),
		    (unsigned)(st->st_mode & 07777), SHOW(path));
	else
		say(o, "%s is not executable by uid %u (mode %04o, owner %u:%u)", SHOW(path),
		    (unsigned)getuid(), (unsigned)(st->st_mode & 07777), (unsigned)st->st_uid,
		    (unsigned)st->st_gid);
	return true;
}

/* What is wrong with executing path (which lstat found, or which a
 * directory on the way hides): true once something is said. */
static bool explain_file(struct out *o, const char *path, const char *path_env, int err, int depth)
{
	_cleanup_close_ int fd = -1;
	char head[HEAD_SIZE] = {0}, target[PATH_MAX];
	struct elf_head elf;
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) < 0)
		return errno == EACCES && explain_unsearchable(o, path);
	if (S_ISLNK(st.st_mode) && stat(path, &st) < 0) {
		int e = errno;
		ssize_t t = readlink(path, target, sizeof(target) - 1);

		target[t > 0 ? t : 0] = '\0';
		if (e == ELOOP)
			say(o, "%s is a loop of symbolic links", SHOW(path));
		else if (e == ENOENT || e == ENOTDIR)
			say(o, "%s is a symbolic link to %s, which does not exist in the sandbox",
			    SHOW(path), SHOW(target));
		else
			return e == EACCES && explain_unsearchable(o, target);
		return true;
	}
	if (explain_type(o, path, &st))
		return true;
	if (!S_ISREG(st.st_mode))
		return false;
	if (explain_permissions(o, path, &st))
		return true;
	/* An execute-only file cannot be read: nothing more to learn. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0)
		return false;
	if (elf_head((unsigned char *)head, (size_t)n, &elf)) {
		/* The kernel loads an ELF interpreter, it does not execute it:
		 * its own PT_INTERP does not matter, its machine does. */
		if (depth == ROLE_ELF_INTERP)
			return explain_machine(o, path, &elf, ENOEXEC);
		return explain_elf(o, path, fd, &elf, err);
	}
	if (depth == ROLE_ELF_INTERP) {
		say(o, "%s is not an ELF file", SHOW(path));
		return true;
	}
	if (n >= 2 && head[0] == '#' && head[1] == '!')
		return explain_script(o, path, head, path_env, err, depth);
	/* glibc's execvp runs such a file with /bin/sh (ENOEXEC), so a missing
	 * shell turns it into ENOENT. */
	if (err == ENOENT && !exists("/bin/sh")) {
		say(o,
		    "%s has no #! line and is not an ELF program: execvp runs such files with "
		    "/bin/sh, which does not exist in the sandbox",
		    SHOW(path));
		return true;
	}
	if (err == ENOEXEC) {
		say(o, "%s is neither an ELF program nor a script starting with #!", SHOW(path));
		return true;
	}
	return false;
}

/* --- the command ---------------------------------------------------------------------- */

/* Nothing there: say which part of the path is missing. */
static void explain_not_found(struct out *o, const char *path)
{
	char dir[PATH_MAX];
	size_t len = strlen(path);

	for (size_t i = 1; i < len && i < sizeof(dir); i++) {
		struct stat st;

		if (path[i] != '/')
			continue;
		memcpy(dir, path, i);
		dir[i] = '\0';
		if (stat(dir, &st) < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				break;
			say(o, "%s does not exist in the sandbox (there is no %s)", SHOW(path),
			    SHOW(dir));
			return;
		}
		if (!S_ISDIR(st.st_mode)) {
			say(o, "%s does not exist in the sandbox (%s is not a directory)",
			    SHOW(path), SHOW(dir));
			return;
		}
	}
	say(o, "%s does not exist in the sandbox", SHOW(path));
}

size_t nsb_diag_exec(const char *command, const char *path_env, int err, char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	const char *dir, *search = path_env ? path_env : "/bin:/usr/bin";
	char path[PATH_MAX];
	bool any = false;

	if (size)
		buf[0] = '\0';
	if (!command || !*command)
		return 0;
	if (strchr(command, '/')) {
		if (!explain_file(&o, command, path_env, err, 0) &&
		    (err == ENOENT || err == ENOTDIR) && !exists(command))
			explain_not_found(&o, command);
		return o.len;
	}
	/* The candidates execvp tried, in order; an empty entry is the cwd. */
	for (dir = search; dir; dir = strchr(dir, ':') ? strchr(dir, ':') + 1 : NULL) {
		size_t n = strcspn(dir, ":");

		if ((size_t)snprintf(path, sizeof(path), "%.*s%s%s", (int)n, dir, n ? "/" : "",
		                     command) >= sizeof(path))
			continue;
		if (exists(path))
			any = true;
		if (explain_file(&o, path, path_env, err, 0))
			return o.len;
	}
	if (!any && err == ENOENT)
		say(&o, "%s is in none of the directories of PATH (%s%s)", SHOW(command),
		    path_env ? "" : "unset, so ", SHOW(search));
	return o.len;
}

/* --- user namespaces ---------------------------------------------------------------- */

/* proc_root + path into buf: false if it does not fit. */
static bool proc_path(const char *proc_root, const char *path, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size, "%s%s", proc_root, path) < size;
}

/* The first line of a small /proc file: 0 or -errno. */
static int read_line(const char *proc_root, const char *path, char *buf, size_t size)
{
	char full[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (!proc_path(proc_root, path, full, sizeof(full)))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A sysctl under /proc/sys as a number: 0 or -errno. */
static int read_sysctl(const char *proc_root, const char *path, long long *ret)
{
	char buf[64], *end;
	long long v;
	int r;

	r = read_line(proc_root, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* The value of "Key:" in a /proc status file, or NULL. */
static const char *status_field(const char *status, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *l = status; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, klen) == 0 && l[klen] == ':') {
			const char *v = l + klen + 1;
			size_t n;

			v += strspn(v, " \t");
			n = strcspn(v, "\n");
			if (n >= size)
				n = size - 1;
			memcpy(buf, v, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}

static int read_status(const char *proc_root, const char *pid, char *buf, size_t size)
{
	char path[64], full[PATH_MAX];
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if (!proc_path(proc_root, path, full, sizeof(full)))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return 0;
}

/* What the kernel knows of us that decides on a new user namespace. */
struct self {
	bool init_userns; /* uid_map is the identity of the initial namespace */
	bool mapped;      /* our effective uid has a mapping */
	bool privileged;  /* CAP_SYS_ADMIN in the initial namespace */
	unsigned long long euid;
	int seccomp_filters; /* -1: unknown */
	long ppid;
};

static void read_uid_map(const char *proc_root, struct self *s)
{
	char buf[4096], full[PATH_MAX];
	_cleanup_close_ int fd = -1;
	unsigned long long in, out, count;
	int lines = 0, off = 0, used;
	ssize_t n;

	s->init_userns = false;
	s->mapped = true;
	if (!proc_path(proc_root, "/proc/self/uid_map", full, sizeof(full)))
		return;
	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 0)
		return;
	buf[n] = '\0';
	s->mapped = false;
	while (sscanf(buf + off, "%llu %llu %llu%n", &in, &out, &count, &used) == 3) {
		lines++;
		off += used;
		if (lines == 1 && in == 0 && out == 0 && count == 4294967295ULL)
			s->init_userns = true;
		if (s->euid >= in && s->euid - in < count)
			s->mapped = true;
	}
	if (lines != 1)
		s->init_userns = false;
	if (lines == 0)
		s->mapped = true; /* unreadable: do not claim otherwise */
}

static void read_self(const char *proc_root, struct self *s)
{
	char status[8192], v[128];
	unsigned long long a, b, cap;

	*s = (struct self){.seccomp_filters = -1, .ppid = -1, .mapped = true};
	if (read_status(proc_root, "self", status, sizeof(status)) == 0) {
		if (status_field(status, "Uid", v, sizeof(v)) &&
		    sscanf(v, "%llu %llu", &a, &b) == 2)
			s->euid = b;
		if (status_field(status, "CapEff", v, sizeof(v)) && sscanf(v, "%llx", &cap) == 1)
			s->privileged = cap & (1ULL << 21); /* CAP_SYS_ADMIN */
		/* Mode 2 is "filter"; the count came with Linux 5.9. */
		if (status_field(status, "Seccomp", v, sizeof(v)))
			s->seccomp_filters = strcmp(v, "2") == 0 ? 1 : 0;
		if (s->seccomp_filters > 0 &&
		    status_field(status, "Seccomp_filters", v, sizeof(v)) && atoi(v) > 0)
			s->seccomp_filters = atoi(v);
		if (status_field(status, "PPid", v, sizeof(v)))
			s->ppid = atol(v);
	}
	read_uid_map(proc_root, s);
	/* CAP_SYS_ADMIN counts for the sysctls only in the initial namespace. */
	s->privileged = s->privileged && s->init_userns;
}

/* Is one of our ancestors nsbox (its monitor, or the pid 1 reaper, which
 * may have been executed anew as "nsbox-reaper")? */
static bool under_nsbox(const char *proc_root, long pid)
{
	for (int steps = 0; pid > 0 && steps < 64; steps++) {
		char status[4096], v[128], path[64], cmd[256] = "";
		const char *base;

		snprintf(path, sizeof(path), "%ld", pid);
		if (read_status(proc_root, path, status, sizeof(status)) < 0)
			return false;
		if (status_field(status, "Name", v, sizeof(v)) && strncmp(v, "nsbox", 5) == 0)
			return true;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		if (read_line(proc_root, path, cmd, sizeof(cmd)) == 0) {
			base = strrchr(cmd, '/');
			if (strncmp(base ? base + 1 : cmd, "nsbox", 5) == 0)
				return true;
		}
		if (!status_field(status, "PPid", v, sizeof(v)))
			return false;
		pid = atol(v);
	}
	return false;
}

static void explain_limit(struct out *o, const struct self *s, long long max)
{
	if (max == 0 && s->init_userns)
		say(o, "user namespaces are disabled: user.max_user_namespaces is 0; to allow "
		       "them: sudo sysctl -w user.max_user_namespaces=15000");
	else if (max == 0)
		say(o, "the sandbox or container this runs in forbids new user namespaces: "
		       "user.max_user_namespaces is 0 in it; start it without that restriction "
		       "(for nsbox and bwrap: without --disable-userns)");
	else if (s->init_userns && max >= 0)
		say(o,
		    "the limit of user namespaces is reached: user.max_user_namespaces is %lld; to "
		    "raise it: sudo sysctl -w user.max_user_namespaces=%lld",
		    max, max < 7500 ? 15000 : 2 * max);
	else
		say(o, "the sandbox or container this runs in allows no more user namespaces "
		       "(nsbox and bwrap --disable-userns allow none, and at most 32 can be "
		       "nested); start it without --disable-userns");
}

static void explain_seccomp(struct out *o, const char *proc_root, const struct self *s)
{
	if (under_nsbox(proc_root, s->ppid))
		say(o, "a seccomp filter of the nsbox sandbox this runs in refuses new user "
		       "namespaces, as nsbox's built-in profiles do: start that nsbox with "
		       "--seccomp-profile default+userns (or devel+userns) instead of default (or "
		       "devel)");
	else
		say(o,
		    "a seccomp filter of the sandbox or container this runs in refuses new user "
		    "namespaces (this process is under %d seccomp filter%s): it must allow clone "
		    "and unshare with CLONE_NEWUSER; for an nsbox sandbox, start it with "
		    "--seccomp-profile default+userns (or devel+userns)",
		    s->seccomp_filters, s->seccomp_filters == 1 ? "" : "s");
}

size_t nsb_diag_userns(const char *proc_root, int err, char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	char path[PATH_MAX];
	struct self s;
	long long v = -1;

	if (size)
		buf[0] = '\0';
	if (!proc_root)
		proc_root = "";
	if (err == EINVAL) {
		if (proc_path(proc_root, "/proc/self/ns/user", path, sizeof(path)) &&
		    access(path, F_OK) < 0 && errno == ENOENT)
			say(&o, "this kernel has no user namespaces (it is built without "
			        "CONFIG_USER_NS): nsbox needs a kernel that has them");
		return o.len;
	}
	read_self(proc_root, &s);
	if (read_sysctl(proc_root, "/proc/sys/user/max_user_namespaces", &v) < 0)
		v = -1;
	if (v == 0 || err == ENOSPC || err == EUSERS) {
		explain_limit(&o, &s, v);
		return o.len;
	}
	if (!s.privileged &&
	    read_sysctl(proc_root, "/proc/sys/kernel/unprivileged_userns_clone", &v) == 0 && v == 0)
		say(&o,
		    "unprivileged user namespaces are disabled: kernel.unprivileged_userns_clone "
		    "is 0; to allow them: sudo sysctl -w kernel.unprivileged_userns_clone=1");
	else if (!s.privileged &&
	         read_sysctl(proc_root, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
	                     &v) == 0 &&
	         v == 1)
		say(&o, "AppArmor restricts unprivileged user namespaces: "
		        "kernel.apparmor_restrict_unprivileged_userns is 1; to allow them: sudo "
		        "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (or give nsbox "
		        "an AppArmor profile with the userns rule)");
	else if (!s.mapped)
		say(&o,
		    "uid %llu has no mapping in the user namespace this runs in, and an unmapped "
		    "user cannot create user namespaces: run nsbox as a user that the namespace "
		    "maps",
		    s.euid);
	else if (s.seccomp_filters > 0 && (err == EPERM || err == EACCES))
		explain_seccomp(&o, proc_root, &s);
	else if (err == EPERM || err == EACCES)
		say(&o, "user namespaces are refused, though none of the settings nsbox knows "
		        "(user.max_user_namespaces, kernel.unprivileged_userns_clone, "
		        "kernel.apparmor_restrict_unprivileged_userns, seccomp) forbids them: a "
		        "Linux security module, a chroot or the container this runs in may");
	return o.len;
}

size_t nsb_diag_mount(const char *proc_root, int err, char *buf, size_t size)
{
	struct out o = {.buf = buf, .size = size};
	struct self s;

	if (size)
		buf[0] = '\0';
	if (!proc_root)
		proc_root = "";
	if (err != EPERM && err != EACCES)
		return 0;
	read_self(proc_root, &s);
	if (s.seccomp_filters <= 0)
		return 0;
	if (under_nsbox(proc_root, s.ppid))
		say(&o,
		    "a seccomp filter of the nsbox sandbox this runs in refuses mount calls, as "
		    "nsbox's built-in profiles do: start that nsbox with --seccomp-profile "
		    "default+userns (or devel+userns) instead of default (or devel)");
	else
		say(&o,
		    "a seccomp filter of the sandbox or container this runs in refuses mount calls "
		    "(this process is under %d seccomp filter%s): it must allow the mount system "
		    "calls; for an nsbox sandbox, start it with --seccomp-profile default+userns",
		    s.seccomp_filters, s.seccomp_filters == 1 ? "" : "s");
	return o.len;
}
