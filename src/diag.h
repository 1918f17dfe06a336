/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Diagnostics that say what to do, for failures whose errno alone misleads
 * ("No such file or directory" for a file that is there). Each function
 * only looks (lstat, open + pread, statvfs, access, reading /proc); it logs
 * nothing. It writes one line, without the program name or a newline, into
 * buf (size bytes with the NUL; cut short if longer) and returns its length,
 * or 0 when it has nothing to add to strerror(err). */
#pragma once

#include <stddef.h>

/* execvp(command) failed with err. Call it where the exec happened: in the
 * sandbox's root, cwd and environment. path_env is the PATH execvp searched
 * (NULL: unset, which glibc reads as /bin:/usr/bin). Names, for the file
 * execvp tried: the missing ELF interpreter (PT_INTERP) or #! interpreter
 * (and a carriage return ending the #! line), a dangling symbolic link, a
 * directory, a file without execute permission or on a noexec mount, an
 * unsearchable directory on the way, an ELF for another machine, a file
 * that is neither ELF nor script (with /bin/sh missing for glibc's
 * fallback); or, when no file exists, the PATH that was searched. */
size_t nsb_diag_exec(const char *command, const char *path_env, int err, char *buf, size_t size);

/* clone() or unshare() with CLONE_NEWUSER failed with err (EPERM, EACCES,
 * ENOSPC, EUSERS or EINVAL): the setting that refused it and the command
 * that changes it. Checks, in order: a kernel without user namespaces,
 * user.max_user_namespaces, kernel.unprivileged_userns_clone (Debian),
 * kernel.apparmor_restrict_unprivileged_userns (Ubuntu), a uid unmapped in
 * the current user namespace, a seccomp filter of a surrounding sandbox
 * (nsbox's own profiles: +userns). proc_root is put before every /proc path
 * ("" for the real ones; unit tests pass a directory of made-up files). */
size_t nsb_diag_userns(const char *proc_root, int err, char *buf, size_t size);

/* A mount call failed with err: when a seccomp filter of a surrounding
 * sandbox is the likely reason (EPERM under a filter), say so and how to
 * allow it (nsbox's profiles: +userns). 0 when there is nothing to add. */
size_t nsb_diag_mount(const char *proc_root, int err, char *buf, size_t size);
