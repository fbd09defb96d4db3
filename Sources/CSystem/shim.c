#define _GNU_SOURCE
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
