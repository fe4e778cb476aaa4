from django.db.models import Expression


class TableSQL(Expression):
    """SQL naming the organization table as {table}: its alias, also in a subquery."""

    def __init__(self, sql, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, params

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return self.sql.replace("{table}", table), list(self.params)
