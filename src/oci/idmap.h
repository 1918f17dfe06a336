/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The id maps of a container's new user namespace (linux.uidMappings and
 * linux.gidMappings), written by the runtime for the container process:
 * - directly into /proc/PID/uid_map and gid_map when the runtime may
 *   (CAP_SETUID / CAP_SETGID: root, or root of podman's user namespace),
 *   or when the map is one id, the runtime's own (for gids, setgroups is
 *   denied first, as the kernel requires);
 * - otherwise through newuidmap / newgidmap (Debian's uidmap package),
 *   which check the ranges against /etc/subuid and /etc/subgid. */
#pragma once

#include <sys/types.h>

#include "oci/spec.h"

/* 0, or -errno after logging one message naming linux.uidMappings or
 * linux.gidMappings. */
int nsb_oci_idmap_write(pid_t pid, const struct nsb_oci_linux *l);

/* The lines of a map file for maps ("0 1000 1\n..."), NUL-terminated,
 * into buf. The length, or -E2BIG. */
int nsb_oci_idmap_format(const struct nsb_oci_idmaps *maps, char *buf, size_t size);
