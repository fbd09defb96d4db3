#define _GNU_SOURCE
#include <unistd.h>
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

void ft_single_malloc_arena(void) {
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
#endif
}
