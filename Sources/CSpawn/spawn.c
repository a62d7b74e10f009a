#define _GNU_SOURCE
#include "CSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/// What the child needs; it shares the parent's memory (CLONE_VM) and writes `error` back.
struct child_arguments {
    const char *path;
    char *const *argv;
    char *const *envp;
    int fds[3];
    pid_t parent;
    volatile int error;
};

/// The child, between clone and execve: async-signal-safe calls only, on its own stack, while the
/// parent thread is suspended (CLONE_VFORK). Never returns but by exec or _exit.
static int child_main(void *raw) {
    struct child_arguments *arguments = raw;
    // Every handler keyctl installed goes back to default before signals are unblocked: a handler
    // must not run here, in keyctl's memory. SIGPIPE, which keyctl ignores, gets its default back.
    struct sigaction standard = {0};
    standard.sa_handler = SIG_DFL;
    for (int number = 1; number < _NSIG; number++) {
        struct sigaction current;
        if (number == SIGKILL || number == SIGSTOP) continue;
        if (sigaction(number, NULL, &current) != 0) continue;  // glibc's reserved signals
        if (number == SIGPIPE || (current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN)) {
            sigaction(number, &standard, NULL);
        }
    }
    if (setpgid(0, 0) != 0) goto failed;
    // Ask for SIGKILL when the thread that started this child ends. A refusal (never on Linux)
    // leaves a child that may outlive keyctl, as documented.
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
    // keyctl died before the request was made: the kernel will never send the signal, so stop.
    if (getppid() != arguments->parent) _exit(127);
    // Copy the three ends above 2 first (close-on-exec), so that an end that already sits on 0, 1
    // or 2 is not overwritten by another's dup2; dup2 then clears close-on-exec on 0, 1 and 2.
    int copies[3];
    for (int index = 0; index < 3; index++) {
        copies[index] = fcntl(arguments->fds[index], F_DUPFD_CLOEXEC, 3);
        if (copies[index] < 0) goto failed;
    }
    for (int index = 0; index < 3; index++) {
        if (dup2(copies[index], index) < 0) goto failed;
    }
    // Nothing else of keyctl's goes to the hook, not even descriptors keyctl itself inherited
    // without close-on-exec. Kernels before 5.9 lack close_range: there only close-on-exec ones close.
    (void)syscall(SYS_close_range, 3U, ~0U, 0U);
    sigset_t unblocked;
    sigemptyset(&unblocked);
    if (sigprocmask(SIG_SETMASK, &unblocked, NULL) != 0) goto failed;
    execve(arguments->path, arguments->argv, arguments->envp);
failed:
    arguments->error = errno == 0 ? EINVAL : errno;
    _exit(127);
}

int keyctl_spawn(const char *path, char *const argv[], char *const envp[],
                 int stdin_fd, int stdout_fd, int stderr_fd, pid_t *pid) {
    // The child runs on this buffer, in this thread's frame: CLONE_VFORK suspends this thread
    // until the child has exec'd or exited, so the frame outlives the child's use of it. (A stack
    // mapped and unmapped per call cost page faults and, keyctl having many threads, a TLB
    // shootdown on every core.) The child uses a few kilobytes of it at most.
    _Alignas(16) char stack[32 * 1024];
    struct child_arguments arguments = {
        .path = path, .argv = argv, .envp = envp,
        .fds = {stdin_fd, stdout_fd, stderr_fd}, .parent = getpid(), .error = 0,
    };
    // No signal handler may run in the child before it resets them: block all across the clone.
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    pid_t child = clone(child_main, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &arguments);
    int cloneError = errno;
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (child < 0) return cloneError;
    // CLONE_VFORK: the child has exec'd or exited by now, so `error` is final.
    if (arguments.error != 0) {
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        return arguments.error;
    }
    *pid = child;
    return 0;
}
