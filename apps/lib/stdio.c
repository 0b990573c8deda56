/*
 * stdio.c - buffered streams over file descriptors.
 *
 * A stream has one buffer used for reading or for writing, never both at
 * once: last_op says which. Switching from writing to reading flushes;
 * switching from reading to writing (or seeking) gives back the bytes read
 * ahead by seeking the descriptor back, so the descriptor's offset and the
 * stream's position agree whenever the buffer is empty. Invariants:
 *   reading: 0 <= rpos <= rlen <= size, buffer holds [rpos, rlen) unread;
 *   writing: wlen <= size bytes waiting to be written;
 *   ungot (>= 0) is one pushed-back byte that comes before the buffer.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libc_impl.h"

#define S_READ 1    /* opened for reading */
#define S_WRITE 2   /* opened for writing */
#define S_EOF 4
#define S_ERR 8
#define S_OWNBUF 16 /* buf came from malloc */
#define S_STATIC 32 /* the FILE itself is not from malloc */
#define S_APPEND 64

struct __anyk_file {
    int fd;
    int flags;
    int mode;                   /* _IOFBF, _IOLBF, _IONBF; -1 until the first use decides */
    char last_op;               /* 0, 'r' or 'w' */
    int ungot;
    unsigned char *buf;
    size_t size, rpos, rlen, wlen;
    struct __anyk_file *next;   /* all open streams, for flushing at exit */
};

static unsigned char stdin_buf[BUFSIZ], stdout_buf[BUFSIZ];
static struct __anyk_file std_files[3] = {
    {.fd = 0, .flags = S_READ | S_STATIC, .mode = -1, .ungot = -1, .buf = stdin_buf,
     .size = BUFSIZ},
    {.fd = 1, .flags = S_WRITE | S_STATIC, .mode = -1, .ungot = -1, .buf = stdout_buf,
     .size = BUFSIZ},
    {.fd = 2, .flags = S_WRITE | S_STATIC, .mode = _IONBF, .ungot = -1},
};
#undef stdin
#undef stdout
#undef stderr
FILE *stdin = &std_files[0], *stdout = &std_files[1], *stderr = &std_files[2];
static FILE *all_files;

void __stdio_init(void)
{
    std_files[0].next = &std_files[1];
    std_files[1].next = &std_files[2];
    all_files = &std_files[0];
}

/* The first use decides line buffering (terminals) or full buffering, and finds a buffer. */
static int ensure_buf(FILE *f)
{
    if (f->mode < 0)
        f->mode = isatty(f->fd) ? _IOLBF : _IOFBF;
    if (f->mode != _IONBF && !f->buf) {
        f->buf = malloc(BUFSIZ);
        if (!f->buf) {
            f->mode = _IONBF;
            return 0;
        }
        f->size = BUFSIZ;
        f->flags |= S_OWNBUF;
    }
    return 0;
}

static int write_all(FILE *f, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = write(f->fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            f->flags |= S_ERR;
            return EOF;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int flush_write(FILE *f)
{
    size_t n = f->wlen;
    f->wlen = 0;
    return n ? write_all(f, f->buf, n) : 0;
}

/* Give back read-ahead: seek the descriptor to the stream's logical position. */
static void drop_read(FILE *f)
{
    long ahead = (long)(f->rlen - f->rpos) + (f->ungot >= 0);
    if (ahead)
        lseek(f->fd, -ahead, SEEK_CUR);   /* fails harmlessly on pipes and terminals */
    f->rpos = f->rlen = 0;
    f->ungot = -1;
}

static int to_write(FILE *f)
{
    if (!(f->flags & S_WRITE)) {
        f->flags |= S_ERR;
        errno = EBADF;
        return EOF;
    }
    if (f->last_op == 'r')
        drop_read(f);
    f->last_op = 'w';
    return ensure_buf(f);
}

static int to_read(FILE *f)
{
    if (!(f->flags & S_READ)) {
        f->flags |= S_ERR;
        errno = EBADF;
        return EOF;
    }
    if (f->last_op == 'w' && flush_write(f) < 0)
        return EOF;
    f->last_op = 'r';
    return ensure_buf(f);
}

int __stdio_putn(FILE *f, const char *s, size_t n)
{
    if (to_write(f) < 0)
        return EOF;
    if (f->mode == _IONBF)
        return flush_write(f) < 0 ? EOF : write_all(f, s, n);
    /* A write bigger than the buffer goes straight out after what is pending. */
    if (n >= f->size) {
        if (flush_write(f) < 0)
            return EOF;
        return write_all(f, s, n);
    }
    while (n) {
        size_t k = f->size - f->wlen;
        if (k > n)
            k = n;
        memcpy(f->buf + f->wlen, s, k);
        f->wlen += k;
        n -= k;
        if (f->wlen == f->size && flush_write(f) < 0)
            return EOF;
        if (f->mode == _IOLBF && memchr(s, '\n', k) && flush_write(f) < 0)
            return EOF;
        s += k;
    }
    return 0;
}

/* Refill the read buffer; 0 on success, EOF at end of file or on error (flags say which). */
static int refill(FILE *f)
{
    /* Input from a terminal or pipe: prompts waiting in stdout must be seen first. */
    if (f->mode != _IOFBF && stdout->last_op == 'w')
        flush_write(stdout);
    size_t want = f->mode == _IONBF || !f->buf ? 1 : f->size;
    unsigned char one;
    unsigned char *dst = f->buf ? f->buf : &one;
    ssize_t n;
    do
        n = read(f->fd, dst, want);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        f->flags |= n == 0 ? S_EOF : S_ERR;
        return EOF;
    }
    if (!f->buf) {
        f->ungot = one;
        return 0;
    }
    f->rpos = 0;
    f->rlen = (size_t)n;
    return 0;
}

int fgetc(FILE *f)
{
    if (f->last_op != 'r' && to_read(f) < 0)
        return EOF;
    if (f->ungot >= 0) {
        int c = f->ungot;
        f->ungot = -1;
        return c;
    }
    if (f->rpos == f->rlen && refill(f) < 0)
        return EOF;
    if (f->ungot >= 0) {   /* unbuffered refill delivers its byte here */
        int c = f->ungot;
        f->ungot = -1;
        return c;
    }
    return f->buf[f->rpos++];
}

int getc(FILE *f)
{
    return fgetc(f);
}

int getchar(void)
{
    return fgetc(stdin);
}

int ungetc(int c, FILE *f)
{
    if (c == EOF || (f->last_op != 'r' && to_read(f) < 0))
        return EOF;
    if (f->ungot >= 0) {
        if (f->rpos == 0)
            return EOF;
        f->buf[--f->rpos] = (unsigned char)f->ungot;
    }
    f->ungot = (unsigned char)c;
    f->flags &= ~S_EOF;
    return (unsigned char)c;
}

size_t fread(void *buf, size_t size, size_t n, FILE *f)
{
    size_t want = size * n, got = 0;
    unsigned char *dst = buf;
    if (want == 0 || (f->last_op != 'r' && to_read(f) < 0))
        return 0;
    if (f->ungot >= 0) {
        dst[got++] = (unsigned char)f->ungot;
        f->ungot = -1;
    }
    while (got < want) {
        size_t avail = f->rlen - f->rpos;
        if (avail) {
            size_t k = avail < want - got ? avail : want - got;
            memcpy(dst + got, f->buf + f->rpos, k);
            f->rpos += k;
            got += k;
            continue;
        }
        if (want - got >= f->size && f->buf) {
            /* big reads bypass the buffer */
            ssize_t r = read(f->fd, dst + got, want - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                f->flags |= r == 0 ? S_EOF : S_ERR;
                break;
            }
            got += (size_t)r;
            continue;
        }
        int c = fgetc(f);
        if (c == EOF)
            break;
        dst[got++] = (unsigned char)c;
    }
    return got / size;
}

char *fgets(char *s, int n, FILE *f)
{
    int i = 0;
    if (n <= 0)
        return NULL;
    while (i < n - 1) {
        int c = fgetc(f);
        if (c == EOF)
            break;
        s[i++] = (char)c;
        if (c == '\n')
            break;
    }
    if (i == 0)
        return NULL;
    s[i] = 0;
    return s;
}

ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f)
{
    size_t len = 0;
    if (!line || !cap) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        int c = fgetc(f);
        if (c == EOF) {
            if (len == 0 || (f->flags & S_ERR))
                return -1;
            break;
        }
        if (len + 2 > *cap || !*line) {
            size_t ncap = *cap < 64 ? 128 : *cap * 2;
            char *p = realloc(*line, ncap);
            if (!p)
                return -1;
            *line = p;
            *cap = ncap;
        }
        (*line)[len++] = (char)c;
        if (c == delim)
            break;
    }
    (*line)[len] = 0;
    return (ssize_t)len;
}

ssize_t getline(char **line, size_t *cap, FILE *f)
{
    return getdelim(line, cap, '\n', f);
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
    if (size == 0 || n == 0)
        return 0;
    return __stdio_putn(f, buf, size * n) < 0 ? 0 : n;
}

int fputc(int c, FILE *f)
{
    char ch = (char)c;
    return __stdio_putn(f, &ch, 1) < 0 ? EOF : (unsigned char)c;
}

int putc(int c, FILE *f)
{
    return fputc(c, f);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *s, FILE *f)
{
    return __stdio_putn(f, s, strlen(s)) < 0 ? EOF : 0;
}

int puts(const char *s)
{
    if (fputs(s, stdout) < 0)
        return EOF;
    return fputc('\n', stdout) == EOF ? EOF : 0;
}

int fflush(FILE *f)
{
    if (!f) {
        int r = 0;
        for (FILE *g = all_files; g; g = g->next)
            if (g->last_op == 'w' && fflush(g) < 0)
                r = EOF;
        return r;
    }
    if (f->last_op == 'w')
        return flush_write(f);
    if (f->last_op == 'r') {
        drop_read(f);
        f->last_op = 0;
    }
    return 0;
}

void __stdio_flush_all(void)
{
    fflush(NULL);
}

/* mode string -> open flags; *sflags gets S_READ/S_WRITE/S_APPEND. -1 if invalid. */
static int parse_mode(const char *mode, int *sflags)
{
    int fl;
    switch (mode[0]) {
    case 'r':
        fl = O_RDONLY;
        *sflags = S_READ;
        break;
    case 'w':
        fl = O_WRONLY | O_CREAT | O_TRUNC;
        *sflags = S_WRITE;
        break;
    case 'a':
        fl = O_WRONLY | O_CREAT | O_APPEND;
        *sflags = S_WRITE | S_APPEND;
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    for (const char *p = mode + 1; *p; p++) {
        if (*p == '+') {
            fl = (fl & ~O_ACCMODE) | O_RDWR;
            *sflags |= S_READ | S_WRITE;
        } else if (*p == 'x') {
            fl |= O_EXCL;
        } else if (*p == 'e') {
            fl |= O_CLOEXEC;
        }
    }
    return fl;
}

static FILE *new_file(int fd, int sflags)
{
    FILE *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->fd = fd;
    f->flags = sflags;
    f->mode = -1;
    f->ungot = -1;
    f->next = all_files;
    all_files = f;
    return f;
}

FILE *fopen(const char *path, const char *mode)
{
    int sflags, fl = parse_mode(mode, &sflags);
    if (fl < 0)
        return NULL;
    int fd = open(path, fl, 0666);
    if (fd < 0)
        return NULL;
    FILE *f = new_file(fd, sflags);
    if (!f)
        close(fd);
    return f;
}

FILE *fdopen(int fd, const char *mode)
{
    int sflags;
    if (parse_mode(mode, &sflags) < 0)
        return NULL;
    return new_file(fd, sflags);
}

FILE *freopen(const char *path, const char *mode, FILE *f)
{
    int sflags, fl = parse_mode(mode, &sflags);
    fflush(f);
    if (fl < 0 || !path) {
        errno = EINVAL;
        return NULL;
    }
    close(f->fd);
    int fd = open(path, fl, 0666);
    if (fd < 0)
        return NULL;
    if (fd != f->fd) {
        /* keep the descriptor number: freopen(stdin) must still be fd 0 */
        if (dup2(fd, f->fd) < 0) {
            close(fd);
            return NULL;
        }
        close(fd);
    }
    f->flags = (f->flags & (S_OWNBUF | S_STATIC)) | sflags;
    f->last_op = 0;
    f->ungot = -1;
    f->rpos = f->rlen = f->wlen = 0;
    return f;
}

int fclose(FILE *f)
{
    int r = fflush(f);
    if (close(f->fd) < 0)
        r = EOF;
    for (FILE **pp = &all_files; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    }
    if (f->flags & S_OWNBUF)
        free(f->buf);
    if (!(f->flags & S_STATIC))
        free(f);
    return r;
}

int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF) {
        errno = EINVAL;
        return -1;
    }
    fflush(f);
    if (buf && size > 0 && mode != _IONBF) {
        if (f->flags & S_OWNBUF)
            free(f->buf);
        f->flags &= ~S_OWNBUF;
        f->buf = (unsigned char *)buf;
        f->size = size;
    }
    f->mode = mode;
    return 0;
}

void setbuf(FILE *f, char *buf)
{
    setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

void setlinebuf(FILE *f)
{
    setvbuf(f, NULL, _IOLBF, 0);
}

int fileno(FILE *f)
{
    return f->fd;
}

int ferror(FILE *f)
{
    return (f->flags & S_ERR) != 0;
}

int feof(FILE *f)
{
    return (f->flags & S_EOF) != 0;
}

void clearerr(FILE *f)
{
    f->flags &= ~(S_ERR | S_EOF);
}

int fseeko(FILE *f, off_t off, int whence)
{
    if (f->last_op == 'w' && flush_write(f) < 0)
        return -1;
    if (whence == SEEK_CUR && f->last_op == 'r')
        off -= (off_t)(f->rlen - f->rpos) + (f->ungot >= 0);
    if (lseek(f->fd, off, whence) < 0)
        return -1;
    f->rpos = f->rlen = 0;
    f->ungot = -1;
    f->last_op = 0;
    f->flags &= ~S_EOF;
    return 0;
}

int fseek(FILE *f, long off, int whence)
{
    return fseeko(f, off, whence);
}

off_t ftello(FILE *f)
{
    if ((f->flags & S_APPEND) && f->last_op == 'w' && flush_write(f) < 0)
        return -1;
    off_t pos = lseek(f->fd, 0, SEEK_CUR);
    if (pos < 0)
        return -1;
    if (f->last_op == 'r')
        pos -= (off_t)(f->rlen - f->rpos) + (f->ungot >= 0);
    else if (f->last_op == 'w')
        pos += (off_t)f->wlen;
    return pos;
}

long ftell(FILE *f)
{
    return ftello(f);
}

void rewind(FILE *f)
{
    fseeko(f, 0, SEEK_SET);
    clearerr(f);
}

int fgetpos(FILE *f, fpos_t *pos)
{
    off_t p = ftello(f);
    if (p < 0)
        return -1;
    *pos = p;
    return 0;
}

int fsetpos(FILE *f, const fpos_t *pos)
{
    return fseeko(f, *pos, SEEK_SET);
}

void perror(const char *s)
{
    const char *msg = strerror(errno);
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, msg);
    else
        fprintf(stderr, "%s\n", msg);
}

int remove(const char *path)
{
    if (unlink(path) == 0)
        return 0;
    if (errno == EISDIR || errno == EPERM)
        return rmdir(path);
    return -1;
}

FILE *tmpfile(void)
{
    char name[] = "/tmp/tmpfileXXXXXX";
    int fd = mkstemp(name);
    if (fd < 0)
        return NULL;
    unlink(name);
    FILE *f = fdopen(fd, "w+");
    if (!f)
        close(fd);
    return f;
}
