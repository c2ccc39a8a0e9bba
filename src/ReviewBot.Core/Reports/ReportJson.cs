using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReviewBot.Core.Reports;

/// <summary>Reads and writes the schema-1 JSON report with the contract's spelling (camelCase, snake_case enums).</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Serialize(ReviewReport report) => JsonSerializer.Serialize(report, Options);

    public static ReviewReport Deserialize(string json) =>
        JsonSerializer.Deserialize<ReviewReport>(json, Options) ?? throw new JsonException("The report is empty.");
}
