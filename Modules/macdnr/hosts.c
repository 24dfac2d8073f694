/* hosts.c - MacTCP's Hosts file: the RFC 1035 master-file subset that
 * MacTCP read (macdnr-facts section 1): one record a line,
 *     <name> [<ttl>] [IN] <type> <data>    ; comment
 * with class IN only, the types A, CNAME and NS, the TTL ignored (entries
 * never expire), a line that starts with blanks owned by the previous
 * record's name, `@` for the default domain, and names without a final
 * dot relative to the default domain.  Lines may end in CR (the classic
 * Mac's), LF or CR LF.
 *
 * Extensions, written as comments so that MacTCP would read the same file
 * (Doc/macdnr.rst lists them); a comment is one when ";macdnr" starts it:
 *     ;macdnr domain NAME      the default domain (MacTCP: Control Panel)
 *     ;macdnr timeout SECONDS  the wait for one answer (default 2, > 0)
 *     ;macdnr attempts N       rounds over the server list (default 2)
 *     ... A 127.0.0.1 ;macdnr port N   this address serves DNS on port N
 * The directives hold for the whole file, wherever they stand.  An error
 * names the file and line; the file is read whole or not at all. */
#include "macdnr.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE (4 * 1024 * 1024)
#define MAX_TOKENS 8
#define DIRECTIVE "macdnr"

typedef struct parse_ctx {
    dnr_config *cfg;
    const char *path;
    int line;
    char *err;
    size_t errsize;
    int have_domain;
    int have_owner;
    char owner[DNR_NAME_SIZE];      /* the previous record's */
} parse_ctx;

static int
fail(parse_ctx *ctx, const char *fmt, ...)
{
    char what[200];
    va_list va;

    va_start(va, fmt);
    vsnprintf(what, sizeof(what), fmt, va);
    va_end(va);
    snprintf(ctx->err, ctx->errsize, "%s, line %d: %s", ctx->path,
             ctx->line, what);
    return DNR_nameSyntaxErr;
}

static int
same_word(const char *a, const char *b)
{
    return dnrnames_equal(a, b);
}

/* Splits s (modified) at blanks; the number of tokens, or -1 if more
 * than max. */
static int
split(char *s, char **tokens, int max)
{
    int n = 0;

    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            return n;
        if (n == max)
            return -1;
        tokens[n++] = s;
        while (*s != '\0' && *s != ' ' && *s != '\t')
            s++;
        if (*s != '\0')
            *s++ = '\0';
    }
}

static int
all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* A name of the file made absolute: `@` is the default domain, "." the
 * root, a final dot means exactly this name, anything else is relative
 * to the default domain (RFC 1035 5.1). */
static int
file_name(parse_ctx *ctx, const char *token, char *out)
{
    size_t len;
    int absolute;
    int n;

    if (strcmp(token, "@") == 0) {
        snprintf(out, DNR_NAME_SIZE, "%s", ctx->cfg->domain);
        return 0;
    }
    if (strcmp(token, ".") == 0) {
        out[0] = '\0';
        return 0;
    }
    if (dnrnames_check(token) < 0)
        return fail(ctx, "bad name '%.80s'", token);
    len = strlen(token);
    absolute = token[len - 1] == '.';
    if (absolute || ctx->cfg->domain[0] == '\0')
        n = snprintf(out, DNR_NAME_SIZE, "%.*s", (int)(len - absolute),
                     token);
    else
        n = snprintf(out, DNR_NAME_SIZE, "%s.%s", token, ctx->cfg->domain);
    if (n < 0 || n > 253)
        return fail(ctx, "name too long '%.80s'", token);
    return 0;
}

/* The directive in a comment (`text` follows the ';'), if it is one.
 * port: where a port directive puts its number (NULL: not allowed here).
 * pass 1 reads the file-wide directives, pass 2 only checks the port. */
static int
directive(parse_ctx *ctx, char *text, int pass, int *port)
{
    char *tokens[MAX_TOKENS];
    size_t len = strlen(DIRECTIVE);
    int n;

    /* ";macdnr" and a blank; "; macdnr ..." is an ordinary comment */
    if (strncmp(text, DIRECTIVE, len) != 0
        || (text[len] != ' ' && text[len] != '\t'))
        return 0;
    n = split(text, tokens, MAX_TOKENS);
    if (n != 3)
        return fail(ctx, "a ;macdnr directive takes one value");
    if (strcmp(tokens[1], "port") == 0) {
        long v;

        if (pass == 1)
            return 0;
        if (port == NULL)
            return fail(ctx, ";macdnr port follows an A record");
        v = all_digits(tokens[2]) && strlen(tokens[2]) <= 5
            ? strtol(tokens[2], NULL, 10) : 0;
        if (v < 1 || v > 65535)
            return fail(ctx, "bad port '%.20s'", tokens[2]);
        *port = (int)v;
        return 0;
    }
    if (pass == 2)
        return 0;
    if (strcmp(tokens[1], "domain") == 0) {
        size_t len = strlen(tokens[2]);

        if (ctx->have_domain)
            return fail(ctx, "a second ;macdnr domain");
        if (strcmp(tokens[2], ".") != 0 && dnrnames_check(tokens[2]) < 0)
            return fail(ctx, "bad domain '%.80s'", tokens[2]);
        if (len > 0 && tokens[2][len - 1] == '.')
            tokens[2][len - 1] = '\0';
        snprintf(ctx->cfg->domain, sizeof(ctx->cfg->domain), "%s",
                 tokens[2]);
        ctx->have_domain = 1;
        return 0;
    }
    if (strcmp(tokens[1], "timeout") == 0) {
        char *end;
        double v = strtod(tokens[2], &end);

        if (*end != '\0' || !(v > 0.0 && v <= 3600.0))
            return fail(ctx, "bad timeout '%.20s'", tokens[2]);
        ctx->cfg->timeout = v;
        return 0;
    }
    if (strcmp(tokens[1], "attempts") == 0) {
        long v = all_digits(tokens[2]) && strlen(tokens[2]) <= 2
                 ? strtol(tokens[2], NULL, 10) : 0;

        if (v < 1 || v > 10)
            return fail(ctx, "bad attempts '%.20s'", tokens[2]);
        ctx->cfg->attempts = (int)v;
        return 0;
    }
    return fail(ctx, "unknown directive '%.40s'", tokens[1]);
}

/* One line of the file (modified); 0 or a code. */
static int
parse_line(parse_ctx *ctx, char *line, int pass)
{
    char *comment = strchr(line, ';');
    char *tokens[MAX_TOKENS];
    char owner[DNR_NAME_SIZE];
    char target[DNR_NAME_SIZE];
    int indented = (line[0] == ' ' || line[0] == '\t');
    int n;
    int i;
    int type;
    int port = DNR_DNS_PORT;
    int code;

    if (comment != NULL)
        *comment++ = '\0';
    n = split(line, tokens, MAX_TOKENS);
    if (pass == 1)
        return comment != NULL ? directive(ctx, comment, 1, NULL) : 0;
    if (n < 0)
        return fail(ctx, "too many fields");
    if (n == 0)
        return comment != NULL ? directive(ctx, comment, 2, NULL) : 0;

    i = 0;
    if (indented) {
        if (!ctx->have_owner)
            return fail(ctx, "no name to continue");
        snprintf(owner, sizeof(owner), "%s", ctx->owner);
    }
    else {
        if (tokens[0][0] == '$')
            return fail(ctx, "'%.20s' is not in MacTCP's subset", tokens[0]);
        code = file_name(ctx, tokens[i++], owner);
        if (code != 0)
            return code;
    }
    /* [ttl] [class] in either order */
    while (i < n && (all_digits(tokens[i]) || same_word(tokens[i], "IN"))) {
        i++;
    }
    if (i < n && (same_word(tokens[i], "CH") || same_word(tokens[i], "HS")
                  || same_word(tokens[i], "CS")))
        return fail(ctx, "class %.10s: only IN", tokens[i]);
    if (i >= n)
        return fail(ctx, "no record type");
    if (same_word(tokens[i], "A"))
        type = DNR_T_A;
    else if (same_word(tokens[i], "NS"))
        type = DNR_T_NS;
    else if (same_word(tokens[i], "CNAME"))
        type = DNR_T_CNAME;
    else
        return fail(ctx, "type '%.20s': MacTCP reads A, NS and CNAME",
                    tokens[i]);
    i++;
    if (n - i != 1)
        return fail(ctx, "one data field expected");
    snprintf(ctx->owner, sizeof(ctx->owner), "%s", owner);
    ctx->have_owner = 1;

    if (type == DNR_T_A) {
        uint32_t addr;

        if (dnrnames_dotted(tokens[i], &addr) != 1)
            return fail(ctx, "bad address '%.40s'", tokens[i]);
        if (comment != NULL) {
            code = directive(ctx, comment, 2, &port);
            if (code != 0)
                return code;
        }
        if (dnrconfig_add(ctx->cfg, owner, type, addr, port, NULL) < 0)
            return DNR_outOfMemory;
        return 0;
    }
    code = file_name(ctx, tokens[i], target);
    if (code != 0)
        return code;
    if (type == DNR_T_CNAME && owner[0] == '\0')
        return fail(ctx, "CNAME for the root");
    if (comment != NULL) {
        code = directive(ctx, comment, 2, NULL);
        if (code != 0)
            return code;
    }
    if (dnrconfig_add(ctx->cfg, owner, type, 0, 0, target) < 0)
        return DNR_outOfMemory;
    return 0;
}

/* The whole file into a NUL-terminated buffer (malloc'd); 0 or a code. */
static int
read_file(parse_ctx *ctx, char **out)
{
    FILE *f = fopen(ctx->path, "rbe");
    char *buf = NULL;
    size_t len = 0;
    size_t cap = 0;
    int err = 0;

    if (f == NULL) {
        err = errno;
        snprintf(ctx->err, ctx->errsize, "%s: %s", ctx->path,
                 strerror(err));
        return err == ENOENT ? DNR_fnfErr : DNR_ioErr;
    }
    for (;;) {
        size_t got;

        if (len == cap) {
            char *grown = cap < MAX_FILE ? realloc(buf, cap + 8192 + 1)
                                         : NULL;

            if (grown == NULL) {
                free(buf);
                fclose(f);
                if (cap < MAX_FILE)
                    return DNR_outOfMemory;
                snprintf(ctx->err, ctx->errsize, "%s: file too large",
                         ctx->path);
                return DNR_ioErr;
            }
            buf = grown;
            cap += 8192;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            err = ferror(f) ? errno : 0;
            break;
        }
    }
    fclose(f);
    if (err != 0) {
        free(buf);
        snprintf(ctx->err, ctx->errsize, "%s: %s", ctx->path, strerror(err));
        return DNR_ioErr;
    }
    buf[len] = '\0';
    if (strlen(buf) != len) {
        free(buf);
        snprintf(ctx->err, ctx->errsize, "%s: NUL byte in the file",
                 ctx->path);
        return DNR_nameSyntaxErr;
    }
    *out = buf;
    return 0;
}

/* Runs parse_line over every line of text (kept intact). */
static int
each_line(parse_ctx *ctx, const char *text, int pass)
{
    const char *p = text;
    char line[1024];

    ctx->line = 0;
    ctx->owner[0] = '\0';
    ctx->have_owner = 0;
    while (*p != '\0') {
        size_t n = strcspn(p, "\r\n");
        int code;

        ctx->line++;
        if (n >= sizeof(line))
            return fail(ctx, "line too long");
        memcpy(line, p, n);
        line[n] = '\0';
        code = parse_line(ctx, line, pass);
        if (code != 0)
            return code;
        p += n;
        if (*p == '\r')
            p++;
        if (*p == '\n')
            p++;
    }
    return 0;
}

int
dnrhosts_load(dnr_config *cfg, const char *path, char *err, size_t errsize)
{
    parse_ctx ctx;
    char *text = NULL;
    int code;

    memset(&ctx, 0, sizeof(ctx));
    ctx.cfg = cfg;
    ctx.path = path;
    ctx.err = err;
    ctx.errsize = errsize;
    err[0] = '\0';
    code = read_file(&ctx, &text);
    if (code != 0)
        return code;
    code = each_line(&ctx, text, 1);
    if (code == 0)
        code = each_line(&ctx, text, 2);
    free(text);
    return code;
}
