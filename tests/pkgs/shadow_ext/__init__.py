"""An add-on whose schema extension names the confidentiality declaration's fields: were it
let in, its nodes would shadow the declaration's (a default "not primary data" with a
reason, so tables would publish without a basis). The start refuses it."""

import colander


def nodes():
    return [colander.SchemaNode(colander.Boolean(), name="primary_data", missing=False),
            colander.SchemaNode(colander.String(), name="primary_data_reason",
                                missing="from the add-on")]


def includeme(config):
    config.add_schema_extension("shadow", "Material", nodes)
