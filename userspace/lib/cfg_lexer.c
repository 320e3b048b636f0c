// SPDX-License-Identifier: GPL-2.0
/*
 * The tokenizer for xl.cfg syntax: identifiers, quoted strings, integers,
 * the punctuation = [ ] , ; and ends of lines.  '#' starts a comment that
 * runs to the end of the line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_lexer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* How much of a long word error messages quote. */
#define QUOTE_MAX 40

/* Character classes, in ASCII whatever the locale. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex_digit(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || is_digit(c);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static unsigned int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

void cfg_verror(char *err, size_t errlen, const char *file, unsigned int line,
		const char *fmt, va_list ap)
{
	int n;

	if (!err || !errlen)
		return;
	if (!file)
		n = 0;
	else if (line)
		n = snprintf(err, errlen, "%s:%u: ", file, line);
	else
		n = snprintf(err, errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= errlen)
		return;
	vsnprintf(err + n, errlen - n, fmt, ap);
}

void cfg_error(char *err, size_t errlen, const char *file, unsigned int line,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(err, errlen, file, line, fmt, ap);
	va_end(ap);
}

/* Continuation bytes are 10xxxxxx. */
static bool is_continuation(const char *s)
{
	return ((unsigned char)*s & 0xc0) == 0x80;
}

size_t cfg_utf8_sequence_length(const char *s)
{
	unsigned char lead = (unsigned char)s[0];
	unsigned char next = (unsigned char)s[1];
	size_t len, i;

	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		len = 2;
	else if (lead >= 0xe0 && lead <= 0xef)
		len = 3;
	else if (lead >= 0xf0 && lead <= 0xf4)
		len = 4;
	else
		return 0;	/* a stray continuation, overlong or too big */

	/* Overlong forms, UTF-16 surrogates and code points > U+10FFFF. */
	if ((lead == 0xe0 && next < 0xa0) || (lead == 0xed && next > 0x9f) ||
	    (lead == 0xf0 && next < 0x90) || (lead == 0xf4 && next > 0x8f))
		return 0;

	/* A NUL is no continuation byte, so this stops at the end. */
	for (i = 1; i < len; i++)
		if (!is_continuation(s + i))
			return 0;
	return len;
}

void cfg_lexer_init(struct cfg_lexer *lx, const char *text, const char *file,
		    char *err, size_t errlen)
{
	lx->pos = text;
	lx->line = 1;
	lx->file = file;
	lx->err = err;
	lx->errlen = errlen;
}

void cfg_token_release(struct cfg_token *tok)
{
	free(tok->text);
	memset(tok, 0, sizeof(*tok));
}

const char *cfg_describe_char(char c, char *buf, size_t len)
{
	unsigned char byte = (unsigned char)c;

	if (byte >= 0x20 && byte < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", byte);
	return buf;
}

const char *cfg_token_describe(const struct cfg_token *tok, char *buf,
			       size_t len)
{
	switch (tok->type) {
	case CFG_TOK_EOF:
		return "end of file";
	case CFG_TOK_NEWLINE:
		return "end of line";
	case CFG_TOK_SEMICOLON:
		return "';'";
	case CFG_TOK_EQUALS:
		return "'='";
	case CFG_TOK_LBRACKET:
		return "'['";
	case CFG_TOK_RBRACKET:
		return "']'";
	case CFG_TOK_COMMA:
		return "','";
	case CFG_TOK_STRING:
		return "a string";
	case CFG_TOK_INT:
		return "an integer";
	case CFG_TOK_IDENT:
		snprintf(buf, len, "'%.*s%s'", QUOTE_MAX, tok->text,
			 strlen(tok->text) > QUOTE_MAX ? "..." : "");
		return buf;
	}
	return "a token";
}

static int lex_error(struct cfg_lexer *lx, unsigned int line,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int lex_error(struct cfg_lexer *lx, unsigned int line,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cfg_verror(lx->err, lx->errlen, lx->file, line, fmt, ap);
	va_end(ap);
	return -1;
}

/* Blanks and comments, up to the next token. */
static void skip_blanks_and_comments(struct cfg_lexer *lx)
{
	for (;;) {
		if (is_blank(*lx->pos)) {
			lx->pos++;
		} else if (*lx->pos == '#') {
			while (*lx->pos && *lx->pos != '\n')
				lx->pos++;
		} else {
			return;
		}
	}
}

static int lex_ident(struct cfg_lexer *lx, struct cfg_token *tok)
{
	const char *start = lx->pos;

	while (is_ident_char(*lx->pos))
		lx->pos++;
	tok->text = strndup(start, lx->pos - start);
	if (!tok->text)
		return lex_error(lx, tok->line, "out of memory");
	tok->type = CFG_TOK_IDENT;
	return 0;
}

static int parse_hex(const char *digits, size_t len, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	if (!len)
		return -1;
	for (i = 0; i < len; i++) {
		if (!is_hex_digit(digits[i]))
			return -1;
		if (v > UINT64_MAX >> 4)
			return 1;
		v = v << 4 | hex_value(digits[i]);
	}
	*value = v;
	return 0;
}

static int parse_decimal(const char *digits, size_t len, uint64_t *value)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned int d;

		if (!is_digit(digits[i]))
			return -1;
		d = digits[i] - '0';
		if (v > (UINT64_MAX - d) / 10)
			return 1;
		v = v * 10 + d;
	}
	*value = v;
	return 0;
}

/*
 * An integer: decimal, or hexadecimal after 0x, maybe after a '-'.  The
 * whole word is read first so that "512M" is one bad integer rather than
 * an integer followed by an identifier.
 */
static int lex_number(struct cfg_lexer *lx, struct cfg_token *tok)
{
	const char *word = lx->pos;
	const char *digits;
	size_t len, quoted;
	const char *more;
	int rc;

	tok->negative = *lx->pos == '-';
	if (tok->negative)
		lx->pos++;
	digits = lx->pos;
	while (is_ident_char(*lx->pos) || *lx->pos == '.')
		lx->pos++;
	len = lx->pos - digits;
	quoted = lx->pos - word;
	more = quoted > QUOTE_MAX ? "..." : "";
	if (quoted > QUOTE_MAX)
		quoted = QUOTE_MAX;

	if (len >= 2 && digits[0] == '0' && (digits[1] | 0x20) == 'x')
		rc = parse_hex(digits + 2, len - 2, &tok->number);
	else if (len > 1 && digits[0] == '0' && is_digit(digits[1]))
		return lex_error(lx, tok->line,
				 "integer '%.*s%s' has a leading zero (octal is not supported)",
				 (int)quoted, word, more);
	else
		rc = parse_decimal(digits, len, &tok->number);

	if (rc < 0)
		return lex_error(lx, tok->line,
				 "invalid integer '%.*s%s' (write decimal digits, or 0x and hex digits)",
				 (int)quoted, word, more);
	if (rc > 0)
		return lex_error(lx, tok->line, "integer '%.*s%s' is too large",
				 (int)quoted, word, more);
	tok->type = CFG_TOK_INT;
	return 0;
}

/*
 * Find the closing quote of the string whose opening quote is at @open;
 * NULL if the line or the text ends first.
 */
static const char *find_closing_quote(const char *open)
{
	const char *p = open + 1;

	while (*p != *open) {
		if (!*p || *p == '\n')
			return NULL;
		if (*p == '\\') {
			if (!p[1] || p[1] == '\n')
				return NULL;
			p++;
		}
		p++;
	}
	return p;
}

static int unescape(char c, char *out)
{
	switch (c) {
	case '\\':
	case '"':
	case '\'':
		*out = c;
		return 0;
	case 'n':
		*out = '\n';
		return 0;
	case 't':
		*out = '\t';
		return 0;
	}
	return -1;
}

/* Decode the body of a string, [@p, @end), into @out. */
static int decode_string(struct cfg_lexer *lx, unsigned int line,
			 const char *p, const char *end, char *out)
{
	char what[16];

	while (p < end) {
		size_t n;

		if (*p == '\\') {
			if (unescape(p[1], out) < 0)
				goto bad_escape;
			out++;
			p += 2;
			continue;
		}
		if (*p != '\t' && is_control((unsigned char)*p))
			goto bad_control;
		n = cfg_utf8_sequence_length(p);
		if (!n)
			return lex_error(lx, line, "invalid UTF-8 in string");
		memcpy(out, p, n);
		out += n;
		p += n;
	}
	*out = '\0';
	return 0;

bad_escape:
	cfg_describe_char(p[1], what, sizeof(what));
	return lex_error(lx, line,
			 "invalid escape '\\' followed by %s in string (use \\\\, \\\", \\', \\n or \\t)",
			 what);
bad_control:
	cfg_describe_char(*p, what, sizeof(what));
	return lex_error(lx, line, "control character (%s) in string", what);
}

static int lex_string(struct cfg_lexer *lx, struct cfg_token *tok)
{
	const char *close = find_closing_quote(lx->pos);
	char *text;

	if (!close)
		return lex_error(lx, tok->line, "unterminated string");
	/* Decoding never makes a string longer. */
	text = malloc(close - lx->pos);
	if (!text)
		return lex_error(lx, tok->line, "out of memory");
	if (decode_string(lx, tok->line, lx->pos + 1, close, text) < 0) {
		free(text);
		return -1;
	}
	tok->type = CFG_TOK_STRING;
	tok->text = text;
	lx->pos = close + 1;
	return 0;
}

static int lex_punctuation(struct cfg_lexer *lx, struct cfg_token *tok)
{
	static const struct {
		char c;
		enum cfg_token_type type;
	} marks[] = {
		{ ';', CFG_TOK_SEMICOLON },
		{ '=', CFG_TOK_EQUALS },
		{ '[', CFG_TOK_LBRACKET },
		{ ']', CFG_TOK_RBRACKET },
		{ ',', CFG_TOK_COMMA },
	};
	char what[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(marks); i++) {
		if (*lx->pos == marks[i].c) {
			tok->type = marks[i].type;
			lx->pos++;
			return 0;
		}
	}
	return lex_error(lx, tok->line, "unexpected %s",
			 cfg_describe_char(*lx->pos, what, sizeof(what)));
}

int cfg_lexer_next(struct cfg_lexer *lx, struct cfg_token *tok)
{
	char c;

	memset(tok, 0, sizeof(*tok));
	skip_blanks_and_comments(lx);
	tok->line = lx->line;
	c = *lx->pos;

	if (!c) {
		tok->type = CFG_TOK_EOF;
		return 0;
	}
	if (c == '\n') {
		tok->type = CFG_TOK_NEWLINE;
		lx->pos++;
		lx->line++;
		return 0;
	}
	if (c == '"' || c == '\'')
		return lex_string(lx, tok);
	if (is_digit(c) || (c == '-' && is_digit(lx->pos[1])))
		return lex_number(lx, tok);
	if (is_ident_start(c))
		return lex_ident(lx, tok);
	return lex_punctuation(lx, tok);
}
