using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Engine.Client;

namespace PartnerCenterLicenses.Engine.Reports
{
    /// <summary>
    /// A report file's rows as a stream of the cmdlet layer's objects. Reads run synchronously on the
    /// caller's thread (the pipeline's), through a body whose reads honour Ctrl+C and the idle timeout,
    /// so each row is written the moment its bytes are parsed and nothing is read ahead of the pipeline.
    /// </summary>
    internal sealed class ReportRowStream : IItemStream<object>
    {
        private static readonly Task<bool> True = Task.FromResult(true);
        private static readonly Task<bool> False = Task.FromResult(false);

        private readonly OpenedResponse _opened;
        private readonly ReportRowReader _reader;
        private readonly ReportFileRequest _request;
        private readonly IReportRowBuilder _rows;
        private readonly object _shape;
        private bool _done;

        private ReportRowStream(OpenedResponse opened, ReportRowReader reader, ReportFileRequest request, IReportRowBuilder rows)
        {
            _opened = opened;
            _reader = reader;
            _request = request;
            _rows = rows;
            _shape = rows.Shape(reader.Columns);
        }

        public object Current { get; private set; }

        public long? TotalCount => null;

        public int Pages => 1;

        public static ReportRowStream Open(OpenedResponse opened, Stream body, ReportFileRequest request, IReportRowBuilder rows, IEngineLog log)
        {
            ReportRowReader reader = ReportRowReader.Open(body, request.Delimiter, log);
            try
            {
                return new ReportRowStream(opened, reader, request, rows);
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }

        public Task<bool> MoveNextAsync()
        {
            if (_done || (_request.Wanted != null && (ulong)_reader.Rows >= _request.Wanted.Value))
            {
                _done = true;
                return False;
            }

            bool read;
            try
            {
                read = _reader.Read();
            }
            catch (Exception e) when (e is IOException || e is HttpRequestException || (e is OperationCanceledException && _opened.Timeout.TimedOut))
            {
                _done = true;
                throw SignedLinkFailures.BodyFailed(_request.Link.Address, _reader.Rows, _opened.Timeout.TimedOut, _opened.Timeout.Timeout, e);
            }
            catch (Exception e) when (!(e is OperationCanceledException) && !(e is PartnerCenterException))
            {
                // The parser's own refusal (a record longer than it holds, a quote never closed at the end).
                _done = true;
                throw new PartnerCenterException(PartnerCenterErrorIds.InvalidResponse, PartnerCenterErrorKind.InvalidResponse,
                    "The report file from " + SignedLinkFailures.Shown(_request.Link.Address) + " could not be read after " + _reader.Rows + " row(s): "
                    + Http.Causes.Describe(e) + ".", e)
                {
                    RecommendedAction = "Save the file with -Path and look at it; report it to Microsoft support if it is not valid CSV or TSV.",
                };
            }

            if (!read)
            {
                _done = true;
                return False;
            }

            Current = _rows.Row(_shape, _reader.Values);
            return True;
        }

        public void Dispose()
        {
            _reader.Dispose();
            _opened.Response.Dispose();
            _opened.Timeout.Dispose();
        }
    }
}
