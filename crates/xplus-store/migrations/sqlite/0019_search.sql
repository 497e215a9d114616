-- Search (issue 19): a person is found by any part of their name or identity number, within
-- the account's reach, fast at province scale (5M people). An FTS5 table with the trigram
-- tokenizer indexes, per member, the text
--     ' ' || name || ' ' || id_number || ' ' || the middle two-character pieces of a long name
-- A trigram index finds any three or more characters. Two characters of a name (刘飞 of
-- 刘飞燕) are found as a trigram with the space beside them: ' 刘飞' begins a name, '刘飞 '
-- ends one, and the middle pieces (each followed by a space, after a space) stand for the
-- pieces of a name of four or more characters (the first nine are indexed). The store checks
-- every candidate against the name or the number itself, so the index may over-match.
-- Contentless (the text is the members row's) and detail=none (the store matches the trigrams
-- one by one and rechecks): the index is a list of people per trigram and nothing else.
-- Its rowid is the person: the first 17 digits of the identity number (the 18th follows from
-- them), so that it stays right whatever VACUUM does to the members table's own rowids.
CREATE VIRTUAL TABLE person_terms USING fts5(
    terms,
    tokenize = 'trigram',
    content = '',
    contentless_delete = 1,
    detail = 'none'
);

-- The indexed text of each member, written once for the triggers and the first fill.
CREATE VIEW person_terms_of AS
SELECT CAST(substr(id_number, 1, 17) AS INTEGER) AS person,
       id_number,
       ' ' || name || ' ' || id_number || ' '
        || CASE WHEN length(name) >= 4 THEN substr(name, 2, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 5 THEN substr(name, 3, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 6 THEN substr(name, 4, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 7 THEN substr(name, 5, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 8 THEN substr(name, 6, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 9 THEN substr(name, 7, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 10 THEN substr(name, 8, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 11 THEN substr(name, 9, 2) || ' ' ELSE '' END
        || CASE WHEN length(name) >= 12 THEN substr(name, 10, 2) || ' ' ELSE '' END
       AS terms
FROM members;

-- Every write path (import, forms, API, restore) goes through the members table, so the index
-- is kept there.
CREATE TRIGGER members_terms_insert AFTER INSERT ON members BEGIN
    INSERT INTO person_terms (rowid, terms)
    SELECT person, terms FROM person_terms_of WHERE id_number = new.id_number;
END;

-- An import upserts every row it reads; only a changed name or number touches the index.
CREATE TRIGGER members_terms_update AFTER UPDATE OF name, id_number ON members
WHEN old.name IS NOT new.name OR old.id_number IS NOT new.id_number BEGIN
    DELETE FROM person_terms WHERE rowid = CAST(substr(old.id_number, 1, 17) AS INTEGER);
    INSERT INTO person_terms (rowid, terms)
    SELECT person, terms FROM person_terms_of WHERE id_number = new.id_number;
END;

CREATE TRIGGER members_terms_delete AFTER DELETE ON members BEGIN
    DELETE FROM person_terms WHERE rowid = CAST(substr(old.id_number, 1, 17) AS INTEGER);
END;

INSERT INTO person_terms (rowid, terms) SELECT person, terms FROM person_terms_of;
