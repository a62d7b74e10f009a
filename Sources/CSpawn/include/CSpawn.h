#ifndef KEYCTL_CSPAWN_H
#define KEYCTL_CSPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` as a child that dies with the calling thread (Linux only).
///
/// The child leads its own process group, asks the kernel to send it SIGKILL when the thread that
/// started it ends (PR_SET_PDEATHSIG: keyctl killed, even with kill -9), has `stdin_fd`,
/// `stdout_fd` and `stderr_fd` on 0, 1 and 2, SIGPIPE and every handled signal at their default,
/// an empty signal mask, and no other descriptor (on kernels before 5.9, which lack close_range,
/// descriptors keyctl inherited without close-on-exec stay open in the child too).
/// When keyctl is already gone by the time the child runs, the child exits 127 without running
/// `path`. Where the kernel refuses PR_SET_PDEATHSIG (never on Linux), the child runs anyway and may
/// outlive keyctl.
///
/// Returns 0 and stores the child's pid in `pid`, or the errno value of what failed (clone, or
/// execve of `path`, in which case the child is already reaped).
int keyctl_spawn(const char *path, char *const argv[], char *const envp[],
                 int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid);

#endif
