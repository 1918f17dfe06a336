/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The life of a struct nsb_config (nsb-config.h) outside parsing: its fds
 * unset, and what it owns freed. Both faces use it: nsbox's parser fills
 * it, nsbox-oci's translation builds it from config.json. */
#include <stdlib.h>

#include "cli-net.h"
#include "nsb-config.h"
#include "nsb-seccomp.h"

void nsb_config_init_fds(struct nsb_config *cfg)
{
	cfg->info_fd = cfg->json_status_fd = -1;
	cfg->block_fd = cfg->userns_block_fd = cfg->sync_fd = -1;
	cfg->userns_fd = cfg->userns2_fd = cfg->pidns_fd = -1;
	cfg->seccomp_fd = -1;
	cfg->netns_fd = -1;
}

void nsb_config_free(struct nsb_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->n_owned; i++)
		free(cfg->owned[i]);
	free(cfg->owned);
	free(cfg->ops);
	free(cfg->env);
	free(cfg->lock_files);
	free(cfg->cap_ops);
	free(cfg->rlimits);
	for (i = 0; i < cfg->n_add_seccomp_progs; i++)
		nsb_bpf_free(&cfg->add_seccomp_progs[i]);
	free(cfg->add_seccomp_progs);
	free(cfg->seccomp_policies);
	free(cfg->seccomp_profiles);
	nsb_cli_net_free(cfg);
	cfg->lock_files = NULL;
	cfg->n_lock_files = 0;
	cfg->cap_ops = NULL;
	cfg->n_cap_ops = 0;
	cfg->rlimits = NULL;
	cfg->n_rlimits = 0;
	cfg->add_seccomp_progs = NULL;
	cfg->n_add_seccomp_progs = 0;
	cfg->seccomp_policies = NULL;
	cfg->n_seccomp_policies = 0;
	cfg->seccomp_profiles = NULL;
	cfg->n_seccomp_profiles = 0;
	cfg->exec_label = NULL;
	cfg->file_label = NULL;
	cfg->owned = NULL;
	cfg->n_owned = 0;
	cfg->ops = NULL;
	cfg->n_ops = 0;
	cfg->env = NULL;
	cfg->n_env = 0;
	/* These may have pointed into --args data. */
	cfg->hostname = NULL;
	cfg->chdir_path = NULL;
	cfg->argv0 = NULL;
	cfg->command = NULL;
}
