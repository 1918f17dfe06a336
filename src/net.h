/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network namespace: only the loopback device, brought up (the kernel
 * then gives it 127.0.0.1/8 and ::1). */
#pragma once

int nsb_net_loopback_up(void);
