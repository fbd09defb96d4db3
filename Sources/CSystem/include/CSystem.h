#ifndef FOLLOWTHROUGH_CSYSTEM_H
#define FOLLOWTHROUGH_CSYSTEM_H
// System calls Swift's Glibc module does not import (GNU extensions).
// Flushes the file system holding `fd` to disk: one journal commit for a whole batch of files.
int ft_syncfs(int fd);
// Makes the threads share at most `count` malloc arenas (glibc's M_ARENA_MAX); no-op elsewhere.
void ft_limit_malloc_arenas(int count);
// Gives each allocation of at least `bytes` a mapping of its own, returned to the system when freed (glibc's
// M_MMAP_THRESHOLD, which also stops glibc raising the threshold as it otherwise does); no-op elsewhere.
void ft_map_allocations_of_at_least(int bytes);
// Lowers the calling thread's priority to the least (nice 19): it then runs on a core the other threads leave idle.
void ft_run_this_thread_when_idle(void);
// Opens a new regular file with no name in the directory `dirfd`, for writing (Linux's O_TMPFILE); -1 with errno when
// the system or the file system cannot.
int ft_open_unnamed(int dirfd, int mode);
// Names the file `fd` opened by ft_open_unnamed: `name` in the directory `dirfd`, all at once, never half-written;
// -1 with errno (EEXIST when the name is taken).
int ft_link_unnamed(int fd, int dirfd, const char *name);
#endif
