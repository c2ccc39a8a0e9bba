namespace ReviewBot.App.Reviewing;

/// <summary>
/// A review that ended as "Not reviewed" because of a failure (a GitHub call, a bug): <see cref="Exception.Message"/>
/// is the one line the worker logs (what failed and what happens next); the cause is the inner exception.
/// </summary>
internal sealed class ReviewFailedException(string message, Exception inner) : Exception(message, inner);
