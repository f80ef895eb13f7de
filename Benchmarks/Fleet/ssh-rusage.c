/* ssh-rusage: the baseline's stand-in for `sh -c 'ssh ... < payload > /dev/null'`, which also measures.
 *
 *   ssh-rusage RESULTS PAYLOAD COMMAND [ARGUMENT]...
 *
 * Runs COMMAND with standard input from the file PAYLOAD and standard output to /dev/null, waits for it with
 * wait4(2), and appends one line "<user seconds> <system seconds> <exit status> <wall seconds>" to RESULTS (one
 * write(2) on an O_APPEND descriptor, so lines from concurrent runs never interleave). Only COMMAND's own rusage is
 * reported (with any children it waited for): not this wrapper's, not xargs's. Exit status: COMMAND's, or 127 when
 * it could not be started. Built by Benchmarks/run with the C compiler that ships with the Swift toolchain. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: ssh-rusage RESULTS PAYLOAD COMMAND [ARGUMENT]...\n");
        return 64;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t child = fork();
    if (child < 0) { perror("ssh-rusage: fork"); return 127; }
    if (child == 0) {
        int input = open(argv[2], O_RDONLY | O_CLOEXEC);
        int output = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (input < 0 || output < 0 || dup2(input, 0) < 0 || dup2(output, 1) < 0) { perror("ssh-rusage"); _exit(127); }
        execvp(argv[3], argv + 3);
        perror("ssh-rusage: exec");
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    while (wait4(child, &status, 0, &usage) < 0) {}
    clock_gettime(CLOCK_MONOTONIC, &end);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    char line[160];
    int length = snprintf(line, sizeof line, "%ld.%06ld %ld.%06ld %d %.6f\n", (long)usage.ru_utime.tv_sec,
        (long)usage.ru_utime.tv_usec, (long)usage.ru_stime.tv_sec, (long)usage.ru_stime.tv_usec, code,
        (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
    int results = open(argv[1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (results < 0 || write(results, line, (size_t)length) != length) { perror("ssh-rusage: results"); return 127; }
    close(results);
    return code;
}
