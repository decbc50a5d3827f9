/*
 * pause: the infra ("sandbox") container of a pod, written for Pod Anatomy.
 *
 * It behaves like Kubernetes' registry.k8s.io/pause:
 *   - it holds the pod's namespaces by simply staying alive (it sleeps forever);
 *   - as PID 1 of a shared pid namespace it reaps every zombie that is
 *     re-parented to it (SIGCHLD -> waitpid(-1, WNOHANG) loop);
 *   - it exits 0 on SIGINT or SIGTERM.
 *
 * Built with `gcc -static -O2 -o pause pause.c` so that it runs in a
 * FROM scratch image with nothing else in it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_terminate(int sig) {
    (void)sig;
    _exit(0);
}

static void on_child(int sig) {
    (void)sig;
    int saved = errno;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
        /* reaped one zombie; look for more */
    }
    errno = saved;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        printf("pause (pod-anatomy stand-in)\n");
        return 0;
    }
    if (getpid() != 1) {
        fprintf(stderr, "pause: warning: not running as PID 1\n");
    }

    struct sigaction term = {0};
    term.sa_handler = on_terminate;
    sigemptyset(&term.sa_mask);
    if (sigaction(SIGINT, &term, NULL) < 0 || sigaction(SIGTERM, &term, NULL) < 0) {
        perror("pause: sigaction(SIGINT/SIGTERM)");
        return 1;
    }

    struct sigaction child = {0};
    child.sa_handler = on_child;
    child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
    sigemptyset(&child.sa_mask);
    if (sigaction(SIGCHLD, &child, NULL) < 0) {
        perror("pause: sigaction(SIGCHLD)");
        return 2;
    }

    for (;;) {
        pause();
    }
    fprintf(stderr, "pause: error: infinite loop terminated\n");
    return 42;
}
