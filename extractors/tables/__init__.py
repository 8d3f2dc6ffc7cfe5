"""The standard tables of a disclosure PDF (收支总表, 一般公共预算支出表 …) as rows of cells.

A chain of small functions, page by page:

* :func:`page.tables_on_page` finds the standard tables on one pdfplumber page: a title line
  matched against ``schemas/table_kinds.toml``, the 单位 line (→ unit), the header rows
  and the body rows. Ruled tables take their cells from ``page.find_tables()``;
  unruled ones (positioned text only) from the words and their x positions: numeric
  words are clustered into columns and header cells are assigned to the columns they
  stand over. A region at the top of a page without a title is kept as a
  *continuation* candidate.
* :func:`merge_continued` joins a table continued on the next page (no title, same
  columns; or a title with （续）) into one table spanning both pages.
* :func:`line_items` flattens the tables into rows for ``line_items.parquet``.

Every amount cell keeps its raw text, its value in yuan (``numbers.parse_quantity``
with the table unit as the default unit) and its box on the page.
"""
