/**
 * What an id issued by the server looks like: a ULID, 26 Crockford base32 characters. Kept apart from
 * `ids` (which loads zod and ulid) so the web client can check a pasted id without shipping either.
 */
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
