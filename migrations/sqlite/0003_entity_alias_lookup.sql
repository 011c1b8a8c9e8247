-- Ingest finds the entity an extracted name belongs to by its exact alias; without this index
-- every article scanned all aliases.
CREATE INDEX entity_aliases_alias ON entity_aliases (alias);
