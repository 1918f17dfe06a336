/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbox: run a command in a sandbox built from an ordered list of operations.
 * main() strings the steps together: parse, check, launch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "launch.h"
#include "log.h"
#include "oci/cli.h"

int main(int argc, char **argv)
{
	struct nsb_config cfg = {0};
	int r, status;

	/* The same binary as an OCI runtime, by its name (a symlink). */
	if (argc > 0) {
		const char *base = strrchr(argv[0], '/');

		if (strcmp(base ? base + 1 : argv[0], "nsbox-oci") == 0)
			return nsb_oci_main(argc, argv);
	}

	nsb_log_init(argc > 0 ? argv[0] : NULL);

	/* Before anything else: a setuid or file-capability nsbox would hand
	 * its privileges to whoever runs it. */
	if (nsb_launch_check_privileges() < 0)
		return EXIT_FAILURE;

	cfg.real_uid = getuid();
	cfg.real_gid = getgid();
	r = nsb_cli_parse(&cfg, argc, argv);
	switch (r) {
	case NSB_CLI_HELP:
		nsb_cli_usage(stdout, argc > 0 ? argv[0] : "nsbox");
		nsb_config_free(&cfg);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	case NSB_CLI_LIST_OPTIONS:
		nsb_cli_list_options(stdout);
		nsb_config_free(&cfg);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	case NSB_CLI_VERSION:
		/* Tools that drive bwrap compare its version: a copy or link
		 * named bwrap gives the bubblewrap release whose command line
		 * it implements. */
		if (strcmp(nsb_log_prog(), "bwrap") == 0)
			printf("bubblewrap %s\n", NSB_BWRAP_VERSION);
		else
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		nsb_config_free(&cfg);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	case NSB_CLI_RUN:
		break;
	default:
		nsb_config_free(&cfg);
		return EXIT_FAILURE;
	}

	status = nsb_launch(&cfg);
	nsb_config_free(&cfg);
	return status;
}
