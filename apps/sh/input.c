/*
 * input.c - where the shell's commands come from: the terminal (with prompts),
 * a script file, a -c string, or a file run by ".". Sources stack so that "."
 * can interrupt a script and return to it.
 *
 * A terminal in canonical mode hands us whole lines; a file is read in
 * blocks. Ctrl-C at a prompt makes read() fail with EINTR (or, on anyk's
 * console, return an empty line): either way the half-typed command is thrown
 * away and the lexer starts over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sh.h"

static struct input *in;
static int want_ps1 = 1;

/* Raw characters consumed while recording, for ( ... ) and $( ... ) texts. */
static char *rec;
static size_t rec_len, rec_cap;
static size_t rec_starts[32];
static int rec_depth;


void input_push_fd(int fd, int interactive)
{
    struct input *i = xmalloc(sizeof(*i));

    memset(i, 0, sizeof(*i));
    i->fd = fd;
    i->interactive = interactive;
    i->lineno = 1;
    i->prev = in;
    in = i;
}

void input_push_string(const char *s)
{
    input_push_fd(-1, 0);
    in->str = s;
}

void input_pop(void)
{
    struct input *i = in;

    in = i->prev;
    free(i->line);
    free(i);
}

int input_lineno(void)
{
    return in ? in->lineno : 0;
}

void input_new_command(void)
{
    want_ps1 = 1;
}

void input_discard_line(void)
{
    if (in)
        in->pos = in->len;
}

static void line_append(const char *s, size_t n)
{
    if (in->len + n + 1 > in->cap) {
        in->cap = (in->len + n + 1) * 2;
        in->line = xrealloc(in->line, in->cap);
    }
    memcpy(in->line + in->len, s, n);
    in->len += n;
    in->line[in->len] = '\0';
}

static void prompt(void)
{
    const char *p;
    char cwd[256];

    if (want_ps1) {
        job_report(0);
        p = var_get("PS1");
        if (!p) {
            /* "anyk:CWD$ ", or "# " style for root, as the default prompt */
            if (!getcwd(cwd, sizeof(cwd)))
                strcpy(cwd, "?");
            fprintf(stderr, "anyk:%s$ ", cwd);
            fflush(stderr);
            want_ps1 = 0;
            return;
        }
    } else {
        p = var_get("PS2");
        if (!p)
            p = "> ";
    }
    want_ps1 = 0;
    {
        /* prompts get parameter expansion, as POSIX says: PS1='$PWD$ ' works */
        char *e = expand_word(p);

        fputs(e, stderr);
        free(e);
    }
    fflush(stderr);
}

/* Reads the next line (with its newline, if any) into in->line. 0 at end of input. */
static int fill(void)
{
    char buf[512];
    long n;
    size_t i;

    in->len = in->pos = 0;
    if (in->eof)
        return 0;
    if (in->fd < 0) {
        const char *s = in->str + in->str_pos;
        const char *nl = strchr(s, '\n');
        size_t k = nl ? (size_t)(nl - s) + 1 : strlen(s);

        if (k == 0) {
            in->eof = 1;
            return 0;
        }
        line_append(s, k);
        in->str_pos += k;
        return 1;
    }
    if (in->interactive)
        prompt();
    for (;;) {
        /* Reading byte by byte off a non-terminal would be slow; a terminal gives
         * whole lines anyway. Files are read a block at a time and the rest is
         * kept in the line buffer after the first newline. */
        n = read(in->fd, buf, in->interactive ? sizeof(buf) : 1);
        /* anyk's console may end the read with nothing instead of EINTR: the
         * SIGINT handler's flag tells that apart from Ctrl-D. */
        if (in->interactive && ((n < 0 && errno == EINTR) || (n == 0 && sh_sigint))) {
            sh_sigint = 0;
            fputc('\n', stderr);
            in->len = in->pos = 0;
            parse_interrupted();
            return 0;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            in->eof = 1;
            return in->len > 0;
        }
        line_append(buf, (size_t)n);
        for (i = in->len - (size_t)n; i < in->len; i++)
            if (in->line[i] == '\n')
                return 1;
    }
}

int input_getc(void)
{
    int c;

    if (!in)
        return -1;
    if (in->pos >= in->len) {
        if (!fill())
            return -1;
        if (in->interactive && in->len == 0)
            return -1;
    }
    c = (unsigned char)in->line[in->pos++];
    if (c == '\n')
        in->lineno++;
    if (rec_depth > 0) {
        if (rec_len + 1 >= rec_cap) {
            rec_cap = rec_cap ? rec_cap * 2 : 256;
            rec = xrealloc(rec, rec_cap);
        }
        rec[rec_len++] = (char)c;
    }
    return c;
}

void input_ungetc(int c)
{
    if (c < 0 || !in || in->pos == 0)
        return;
    in->pos--;
    if (c == '\n')
        in->lineno--;
    if (rec_depth > 0 && rec_len > 0)
        rec_len--;
}

void input_record_start(void)
{
    if (rec_depth < 32)
        rec_starts[rec_depth] = rec_len;
    rec_depth++;
}

char *input_record_stop(void)
{
    size_t start;
    char *s;

    if (rec_depth == 0)
        return xstrdup("");
    rec_depth--;
    start = rec_depth < 32 ? rec_starts[rec_depth] : 0;
    s = xmalloc(rec_len - start + 1);
    memcpy(s, rec + start, rec_len - start);
    s[rec_len - start] = '\0';
    if (rec_depth == 0)
        rec_len = 0;
    return s;
}

/* A parse abandoned halfway (syntax error, Ctrl-C) must not leave recording on. */
void input_record_reset(void)
{
    rec_depth = 0;
    rec_len = 0;
}
