/*
 * var.c - shell variables: a small table of name, value and export flag,
 * filled from the environment at start-up. Exported variables make up the
 * environment of every program the shell spawns.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sh.h"

struct var {
    char *name;
    char *value;            /* NULL: declared (export NAME) but unset */
    int exported;
};

static struct var *vars;
static int nvars, capvars;

int var_valid_name(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (i = 1; i < len; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

static struct var *find(const char *name, size_t len)
{
    int i;

    for (i = 0; i < nvars; i++)
        if (strncmp(vars[i].name, name, len) == 0 && vars[i].name[len] == '\0')
            return &vars[i];
    return NULL;
}

static struct var *create(const char *name)
{
    struct var *v = find(name, strlen(name));

    if (v)
        return v;
    if (nvars == capvars) {
        capvars = capvars ? capvars * 2 : 64;
        vars = xrealloc(vars, sizeof(*vars) * (size_t)capvars);
    }
    v = &vars[nvars++];
    v->name = xstrdup(name);
    v->value = NULL;
    v->exported = 0;
    return v;
}

void var_init(char **envp)
{
    char **e;

    for (e = envp; e && *e; e++) {
        char *eq = strchr(*e, '=');
        char *name;

        if (!eq || !var_valid_name(*e, (size_t)(eq - *e)))
            continue;
        name = xmalloc((size_t)(eq - *e) + 1);
        memcpy(name, *e, (size_t)(eq - *e));
        name[eq - *e] = '\0';
        var_set(name, eq + 1, 1);
        free(name);
    }
}

const char *var_get(const char *name)
{
    struct var *v = find(name, strlen(name));

    return v ? v->value : NULL;
}

int var_set(const char *name, const char *value, int export)
{
    struct var *v = create(name);
    char *copy = value ? xstrdup(value) : NULL;

    free(v->value);
    v->value = copy;
    if (export)
        v->exported = 1;
    return 0;
}

void var_export(const char *name)
{
    create(name)->exported = 1;
}

int var_unset(const char *name)
{
    struct var *v = find(name, strlen(name));

    if (!v)
        return 0;
    free(v->name);
    free(v->value);
    *v = vars[--nvars];
    return 0;
}

/* NAME=value strings for a spawned program: exported variables, then overrides. */
char **var_environ(char **extra)
{
    struct strv env = {0};
    int i, j;

    for (i = 0; i < nvars; i++) {
        struct sbuf b = {0};

        if (!vars[i].exported || !vars[i].value)
            continue;
        for (j = 0; extra && extra[j]; j++) {
            size_t len = strlen(vars[i].name);

            if (strncmp(extra[j], vars[i].name, len) == 0 && extra[j][len] == '=')
                break;
        }
        if (extra && extra[j])
            continue;
        sb_puts(&b, vars[i].name);
        sb_putc(&b, '=');
        sb_puts(&b, vars[i].value);
        strv_push(&env, sb_take(&b));
    }
    for (j = 0; extra && extra[j]; j++)
        strv_push(&env, xstrdup(extra[j]));
    strv_push(&env, NULL);
    env.n--;
    return env.v;
}

static void put_quoted(struct sbuf *b, const char *s)
{
    sb_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            sb_puts(b, "'\\''");
        else
            sb_putc(b, *s);
    }
    sb_putc(b, '\'');
}

static int cmp_var(const void *a, const void *b)
{
    return strcmp(((const struct var *)a)->name, ((const struct var *)b)->name);
}

void var_print(int exported_only)
{
    int i;

    qsort(vars, (size_t)nvars, sizeof(*vars), cmp_var);
    for (i = 0; i < nvars; i++) {
        struct sbuf b = {0};
        char *s;

        if (exported_only && !vars[i].exported)
            continue;
        if (!vars[i].value) {
            if (exported_only)
                printf("export %s\n", vars[i].name);
            continue;
        }
        put_quoted(&b, vars[i].value);
        s = sb_take(&b);
        printf("%s%s=%s\n", exported_only ? "export " : "", vars[i].name, s);
        free(s);
    }
}

/*
 * The unexported variables as a script of assignments: a subshell or command
 * substitution is another process, and this is how it sees what the parent
 * shell had set (exported ones travel in its environment).
 */
char *var_script(void)
{
    struct sbuf b = {0};
    int i;

    for (i = 0; i < nvars; i++) {
        if (vars[i].exported || !vars[i].value)
            continue;
        sb_puts(&b, vars[i].name);
        sb_putc(&b, '=');
        put_quoted(&b, vars[i].value);
        sb_putc(&b, '\n');
    }
    sb_puts(&b, "");
    return sb_take(&b);
}
