/*
 * stdio.h - buffered streams. Files are fully buffered, terminals line
 * buffered, stderr unbuffered; output streams are flushed at exit.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define EOF (-1)
#define BUFSIZ 4096
#define FILENAME_MAX 4096
#define FOPEN_MAX 64
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
#define P_tmpdir "/tmp"

typedef struct __anyk_file FILE;
typedef long fpos_t;

extern FILE *stdin, *stdout, *stderr;
/* Some programs test these as macros. */
#define stdin stdin
#define stdout stdout
#define stderr stderr

FILE *fopen(const char *path, const char *mode);
FILE *fdopen(int fd, const char *mode);
FILE *freopen(const char *path, const char *mode, FILE *f);
int fclose(FILE *f);
int fflush(FILE *f);
int setvbuf(FILE *f, char *buf, int mode, size_t size);
void setbuf(FILE *f, char *buf);
void setlinebuf(FILE *f);
int fileno(FILE *f);
int ferror(FILE *f);
int feof(FILE *f);
void clearerr(FILE *f);

size_t fread(void *buf, size_t size, size_t n, FILE *f);
size_t fwrite(const void *buf, size_t size, size_t n, FILE *f);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);
char *fgets(char *s, int n, FILE *f);
ssize_t getline(char **line, size_t *cap, FILE *f);
ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *s, FILE *f);
int puts(const char *s);

int fseek(FILE *f, long off, int whence);
int fseeko(FILE *f, off_t off, int whence);
long ftell(FILE *f);
off_t ftello(FILE *f);
void rewind(FILE *f);
int fgetpos(FILE *f, fpos_t *pos);
int fsetpos(FILE *f, const fpos_t *pos);

#define __printflike(f, a) __attribute__((format(printf, f, a)))
int printf(const char *fmt, ...) __printflike(1, 2);
int fprintf(FILE *f, const char *fmt, ...) __printflike(2, 3);
int dprintf(int fd, const char *fmt, ...) __printflike(2, 3);
int sprintf(char *s, const char *fmt, ...) __printflike(2, 3);
int snprintf(char *s, size_t n, const char *fmt, ...) __printflike(3, 4);
int asprintf(char **sp, const char *fmt, ...) __printflike(2, 3);
int vprintf(const char *fmt, va_list ap) __printflike(1, 0);
int vfprintf(FILE *f, const char *fmt, va_list ap) __printflike(2, 0);
int vdprintf(int fd, const char *fmt, va_list ap) __printflike(2, 0);
int vsprintf(char *s, const char *fmt, va_list ap) __printflike(2, 0);
int vsnprintf(char *s, size_t n, const char *fmt, va_list ap) __printflike(3, 0);
int vasprintf(char **sp, const char *fmt, va_list ap) __printflike(2, 0);

int scanf(const char *fmt, ...) __attribute__((format(scanf, 1, 2)));
int fscanf(FILE *f, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
int sscanf(const char *s, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
int vsscanf(const char *s, const char *fmt, va_list ap) __attribute__((format(scanf, 2, 0)));
int vfscanf(FILE *f, const char *fmt, va_list ap) __attribute__((format(scanf, 2, 0)));

void perror(const char *s);
int remove(const char *path);
int rename(const char *from, const char *to);
FILE *tmpfile(void);

#endif
