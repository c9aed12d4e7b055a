"""Every API list as CSV or XLSX with the same filters, streamed with flat memory:
rows come from a server-side cursor in chunks; CSV goes out as it is written, XLSX is
written row by row (openpyxl write-only mode) to a temporary file that is then streamed.
Values go through `inventory.spreadsheets`: text stays text, never a live formula."""

import csv
import tempfile

from django.contrib.gis.db.models.functions import Transform
from django.db.models import DecimalField, FloatField, Func
from django.db.models.functions import Cast, Round
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

from inventory import spreadsheets
from inventory.api.renderers import XLSX
from inventory.srs import WGS84, coordinate_columns

CHUNK = 2000


class _Echo:
    def write(self, value):
        return value


def _millimetres(expression):
    return Cast(Round(Cast(expression, DecimalField(max_digits=16, decimal_places=6)), 3), FloatField())


def _rows(queryset, fields, geometry, srid: int = WGS84):
    columns = list(fields)
    annotations = {}
    if geometry:
        first, second = coordinate_columns(srid)
        point = geometry if srid == WGS84 else Transform(geometry, srid)
        x = Cast(Func(point, function="ST_X"), FloatField())
        y = Cast(Func(point, function="ST_Y"), FloatField())
        if srid != WGS84:  # metres to the millimetre; X is the northing (ST_Y)
            x, y = _millimetres(y), _millimetres(x)
        annotations = {first: x, second: y}
        columns += [first, second]
    values = queryset.annotate(**annotations).values_list(*columns)
    return columns, values.iterator(chunk_size=CHUNK)


def csv_response(
    queryset, fields, filename: str, geometry: str | None = None, srid: int = WGS84
) -> StreamingHttpResponse:
    columns, rows = _rows(queryset, fields, geometry, srid)
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow(spreadsheets.csv_row(columns))  # BOM: Excel reads Vietnamese text as UTF-8
        for row in rows:
            yield writer.writerow(spreadsheets.csv_row(row))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(queryset, fields, filename: str, geometry: str | None = None, srid: int = WGS84) -> FileResponse:
    columns, rows = _rows(queryset, fields, geometry, srid)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    spreadsheets.append(sheet, columns)
    for row in rows:
        spreadsheets.append(sheet, row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)
