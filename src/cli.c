/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include "cli.h"
int nsb_cli_parse(struct nsb_config *cfg, int argc, char **argv) { return -EINVAL; }
void nsb_cli_usage(FILE *out, const char *argv0) { fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n", argv0); }
void nsb_config_free(struct nsb_config *cfg) { }
