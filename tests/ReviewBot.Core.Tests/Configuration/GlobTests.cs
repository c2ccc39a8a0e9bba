using ReviewBot.Core.Configuration;

namespace ReviewBot.Core.Tests.Configuration;

public sealed class GlobTests
{
    [Theory]
    [InlineData("*.sql", "a.sql", true)]
    [InlineData("*.sql", "models/staging/a.sql", true)]
    [InlineData("*.sql", "a.sql.bak", false)]
    [InlineData("*.sql", "models/a.py", false)]
    [InlineData("models/*.sql", "models/a.sql", true)]
    [InlineData("models/*.sql", "models/staging/a.sql", false)]
    [InlineData("models/*.sql", "other/models/a.sql", false)]
    [InlineData("models/**", "models/a.sql", true)]
    [InlineData("models/**", "models/x/y/z.sql", true)]
    [InlineData("models/**", "modelsx/a.sql", false)]
    [InlineData("models/**/*.sql", "models/a.sql", true)]
    [InlineData("models/**/*.sql", "models/x/y/a.sql", true)]
    [InlineData("models/**/*.sql", "models/x/a.yml", false)]
    [InlineData("**/*.md", "README.md", true)]
    [InlineData("**/*.md", "docs/guide/x.md", true)]
    [InlineData("models/legacy", "models/legacy/old.sql", true)]
    [InlineData("models/legacy", "models/legacy", true)]
    [InlineData("models/legacy", "models/legacy_v2/a.sql", false)]
    [InlineData("models/legacy/", "models/legacy/old.sql", true)]
    [InlineData("/models/*.sql", "models/a.sql", true)]
    [InlineData("./models/*.sql", "models/a.sql", true)]
    [InlineData("seeds", "data/seeds/x.csv", true)]
    [InlineData("stg_?.sql", "models/stg_a.sql", true)]
    [InlineData("stg_?.sql", "models/stg_ab.sql", false)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("file(1)+[x].sql", "dir/file(1)+[x].sql", true)]
    [InlineData("file(1)+[x].sql", "dir/file1+x.sql", false)]
    [InlineData("*.SQL", "a.sql", false)]
    public void IsMatch_Patterns(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new Glob(pattern).IsMatch(path));

    [Fact]
    public void IsMatch_LongPathWithManyStars_IsFast()
    {
        var glob = new Glob("**/*a*a*a*a*a*a*a*a*a*b");
        var path = string.Join('/', Enumerable.Repeat(new string('a', 200), 20));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var matched = glob.IsMatch(path);
        watch.Stop();

        Assert.False(matched);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void PathFilter_IncludeAndExclude_ExcludeWins()
    {
        var filter = new PathFilter { Include = [new Glob("models/**")], Exclude = [new Glob("models/legacy")] };

        Assert.True(filter.Matches("models/a.sql"));
        Assert.False(filter.Matches("models/legacy/a.sql"));
        Assert.False(filter.Matches("pipelines/a.py"));
        Assert.True(PathFilter.All.Matches("anything/at/all"));
    }
}
