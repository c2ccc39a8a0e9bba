using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ReviewBot.App.Operations;

/// <summary>
/// <c>GET /metrics</c>: this App's <see cref="ReviewMetrics"/> in the Prometheus text format, for a scraper that
/// has no OpenTelemetry collector in front of it. Names follow OpenTelemetry's Prometheus mapping: dots become
/// underscores, a seconds unit adds <c>_seconds</c>, counters end in <c>_total</c>; a histogram is exported as its sum and
/// count. Only this App instance's meter is listened to (tests and benchmarks host several in one process).
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(Instrument Instrument, string Labels), Series> _series = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter(ReviewMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Every series now, observable instruments read at this moment.</summary>
    public string Render()
    {
        lock (_scrape)
        {
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var group in _series.GroupBy(s => s.Key.Instrument).OrderBy(g => g.Key.Name, StringComparer.Ordinal))
            {
                var instrument = group.Key;
                var name = Name(instrument);
                var (type, suffix) = instrument switch
                {
                    Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => ("counter", "_total"),
                    Histogram<long> or Histogram<double> => ("summary", ""),
                    _ => ("gauge", ""),
                };
                text.Append("# HELP ").Append(name).Append(suffix).Append(' ').Append(instrument.Description).Append('\n');
                text.Append("# TYPE ").Append(name).Append(suffix).Append(' ').Append(type).Append('\n');
                foreach (var ((_, labels), series) in group.OrderBy(s => s.Key.Labels, StringComparer.Ordinal))
                {
                    if (type == "summary")
                    {
                        Line(text, name + "_sum", labels, series.Sum);
                        Line(text, name + "_count", labels, series.Count);
                    }
                    else
                    {
                        Line(text, name + suffix, labels, series.Sum);
                    }
                }
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = _series.GetOrAdd((instrument, Labels(tags)), static _ => new Series());
        var observed = instrument.IsObservable;
        lock (series)
        {
            // An observable instrument reports its current value (a gauge, or a counter's running total).
            series.Sum = observed ? value : series.Sum + value;
            series.Count++;
        }
    }

    private static string Name(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        return instrument.Unit == "s" && !name.EndsWith("_seconds", StringComparison.Ordinal) ? name + "_seconds" : name;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var pairs = new List<string>(tags.Length);
        foreach (var (key, value) in tags)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            pairs.Add($"{key.Replace('.', '_')}=\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        pairs.Sort(StringComparer.Ordinal);
        return "{" + string.Join(',', pairs) + "}";
    }

    private static void Line(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private sealed class Series
    {
        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
