/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tokenizer for configuration files in xl.cfg syntax.  Internal to
 * libhxen; vmconfig.c is its user (diskspec.c and vifspec.c use only
 * its error formatting).
 */
#ifndef CFG_LEXER_H
#define CFG_LEXER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cfg_token_type {
	CFG_TOK_EOF,
	CFG_TOK_NEWLINE,
	CFG_TOK_SEMICOLON,
	CFG_TOK_EQUALS,
	CFG_TOK_LBRACKET,
	CFG_TOK_RBRACKET,
	CFG_TOK_COMMA,
	CFG_TOK_IDENT,
	CFG_TOK_STRING,
	CFG_TOK_INT,
};

struct cfg_token {
	enum cfg_token_type type;
	unsigned int line;
	char *text;		/* IDENT: the name; STRING: the contents */
	uint64_t number;	/* INT: the magnitude */
	bool negative;		/* INT: written with a '-' */
};

struct cfg_lexer {
	const char *pos;	/* the next byte; the text ends at a NUL */
	unsigned int line;
	const char *file;	/* names the text in errors */
	char *err;
	size_t errlen;
};

void cfg_lexer_init(struct cfg_lexer *lx, const char *text, const char *file,
		    char *err, size_t errlen);

/*
 * Read the next token into @tok, which then owns its text.  Returns 0,
 * or -1 with an error message written (and @tok empty).  Comments and
 * blanks are skipped; each end of line is a token of its own.
 */
int cfg_lexer_next(struct cfg_lexer *lx, struct cfg_token *tok);

/* Free the token's text and empty it. */
void cfg_token_release(struct cfg_token *tok);

/* The token in words for error messages: "end of line", "'memory'"... */
const char *cfg_token_describe(const struct cfg_token *tok, char *buf,
			       size_t len);

/*
 * Write "FILE:LINE: message" into @err (just "FILE: message" for line
 * 0, and just the message for a NULL @file), truncating if needed.
 * Does nothing when @errlen is 0.
 */
void cfg_error(char *err, size_t errlen, const char *file, unsigned int line,
	       const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

void cfg_verror(char *err, size_t errlen, const char *file, unsigned int line,
		const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

/* "'x'" for a printable character, "byte 0xNN" for any other. */
const char *cfg_describe_char(char c, char *buf, size_t len);

/*
 * The length of the well-formed UTF-8 sequence that starts at @s (which
 * is NUL-terminated), or 0 if there is none.
 */
size_t cfg_utf8_sequence_length(const char *s);

#endif /* CFG_LEXER_H */
