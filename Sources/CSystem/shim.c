#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "CSystem.h"

int ft_syncfs(int fd) {
#ifdef __linux__
    return syncfs(fd);
#else
    (void)fd;
    sync();
    return 0;
#endif
}

void ft_limit_malloc_arenas(int count) {
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, count);
#else
    (void)count;
#endif
}

void ft_map_allocations_of_at_least(int bytes) {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, bytes);
#else
    (void)bytes;
#endif
}

void ft_run_this_thread_when_idle(void) {
#ifdef __linux__
    setpriority(PRIO_PROCESS, (id_t)gettid(), 19);  /* on Linux, nice is per thread */
#endif
}

int ft_open_unnamed(int dirfd, int mode) {
#if defined(__linux__) && defined(O_TMPFILE)
    return openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
#else
    (void)dirfd; (void)mode;
    errno = EOPNOTSUPP;
    return -1;
#endif
}

int ft_link_unnamed(int fd, int dirfd, const char *name) {
#ifdef __linux__
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    int r = linkat(AT_FDCWD, proc, dirfd, name, AT_SYMLINK_FOLLOW);
    if (r != 0 && errno != EEXIST) {
        /* No /proc: the descriptor itself (allowed to the file's opener since Linux 6.10, or with CAP_DAC_READ_SEARCH). */
        r = linkat(fd, "", dirfd, name, AT_EMPTY_PATH);
    }
    return r;
#else
    (void)fd; (void)dirfd; (void)name;
    errno = EOPNOTSUPP;
    return -1;
#endif
}
