using System.Globalization;
using SpatialVlm.Core;

namespace SpatialVlm.Questions;

public enum UnitSystem { Metric, Imperial }

/// <summary>
/// How lengths are rendered (SPATIAL.md "Numbers in answers"). Shares are probabilities per answer.
/// Defaults: metric 75 %, imperial 25 %; two significant digits, one digit ("about 1 meter") 10 % of the
/// time but only when that stays within MaxCoarseError; a hedge word on 30 % of precise numbers and on
/// every coarse one; unit symbols instead of words 20 % of the time.
/// </summary>
public sealed record HumanNumberOptions
{
    public double ImperialShare { get; init; } = 0.25;
    public double CoarseShare { get; init; } = 0.10;
    /// <summary>Largest relative error a coarse (one-digit) rendering may have; never above 0.2.</summary>
    public double MaxCoarseError { get; init; } = 0.17;
    public double HedgeShare { get; init; } = 0.30;
    public double SymbolShare { get; init; } = 0.20;
    /// <summary>Metric: centimeters below this (after rounding), meters at and above.</summary>
    public double MetersFrom { get; init; } = 1.0;
    /// <summary>Metric: millimeters below this.</summary>
    public double MillimetersBelow { get; init; } = 0.01;
    /// <summary>Imperial: inches below this, feet and inches up to FeetOnlyFrom, then feet.</summary>
    public double FeetAndInchesFrom { get; init; } = 0.6;
    public double FeetOnlyFrom { get; init; } = 3.0;
    /// <summary>Imperial is not used below this (fractions of an inch read badly); metric instead.</summary>
    public double ImperialFrom { get; init; } = 0.025;

    public HumanNumberOptions Validated()
    {
        double[] shares = [ImperialShare, CoarseShare, HedgeShare, SymbolShare];
        if (shares.Any(s => !(s >= 0 && s <= 1))) throw new SpatialVlmException("number rendering shares must lie in [0, 1]");
        if (!(MaxCoarseError >= 0 && MaxCoarseError <= 0.2)) throw new SpatialVlmException("MaxCoarseError must lie in [0, 0.2]");
        return this;
    }
}

/// <summary>A rendered length: the text a person would say and the meters that text denotes.</summary>
public readonly record struct HumanQuantity(string Text, double Meters, UnitSystem Units, bool Coarse);

/// <summary>Renders exact meters as human-aligned text, seeded by the caller's Random.</summary>
public static class HumanNumber
{
    const double Inch = 0.0254, Foot = 0.3048;
    static readonly string[] Hedges = ["about", "around", "roughly", "approximately"];

    /// <summary>One unit: its names and size in meters.</summary>
    sealed record Unit(string Singular, string Plural, string Symbol, double Meters);
    static readonly Unit Mm = new("millimeter", "millimeters", "mm", 0.001), Cm = new("centimeter", "centimeters", "cm", 0.01),
        M = new("meter", "meters", "m", 1), Ft = new("foot", "feet", "ft", Foot),
        // "in" is a preposition too ("within 18 in of the ball" reads as 18 m to a parser or a person), so inches are always spelled out.
        In = new("inch", "inches", "", Inch);

    public static HumanQuantity Render(double meters, Random rng, HumanNumberOptions? options = null)
    {
        var o = (options ?? new HumanNumberOptions()).Validated();
        if (!double.IsFinite(meters) || meters < 0) throw new SpatialVlmException($"cannot render a length of {meters} m");
        // Fixed draws in a fixed order keep the stream deterministic whatever branch is taken.
        bool imperial = rng.NextDouble() < o.ImperialShare && meters >= o.ImperialFrom;
        bool coarse = rng.NextDouble() < o.CoarseShare;
        bool symbols = rng.NextDouble() < o.SymbolShare;
        bool hedge = rng.NextDouble() < o.HedgeShare;
        bool coarseToWholeUnit = rng.NextDouble() < 0.5;
        var hedgeWord = Hedges[rng.Next(Hedges.Length)];

        if (meters == 0) return new(Say(0, imperial ? In : Cm, symbols), 0, imperial ? UnitSystem.Imperial : UnitSystem.Metric, false);

        (string Text, double Meters)? coarseText = null;
        if (coarse)
        {
            var candidates = imperial ? ImperialCoarse(meters, o, symbols) : MetricCoarse(meters, o, symbols);
            if (coarseToWholeUnit) candidates.Reverse();
            coarseText = candidates.Cast<(string, double)?>()
                .FirstOrDefault(c => Math.Abs(c!.Value.Item2 - meters) <= o.MaxCoarseError * meters && c.Value.Item2 > 0);
        }
        var (text, denoted) = coarseText ?? (imperial ? ImperialFine(meters, o, symbols) : MetricFine(meters, o, symbols));
        bool isCoarse = coarseText != null;
        if (isCoarse || hedge) text = $"{hedgeWord} {text}";
        return new(text, denoted, imperial ? UnitSystem.Imperial : UnitSystem.Metric, isCoarse);
    }

    static (string, double) MetricFine(double meters, HumanNumberOptions o, bool symbols)
    {
        if (meters < o.MillimetersBelow) return InUnit(RoundSignificant(meters / Mm.Meters, 2), Mm, symbols);
        var cm = RoundSignificant(meters / Cm.Meters, 2);
        if (cm * Cm.Meters < o.MetersFrom) return InUnit(cm, Cm, symbols);
        return InUnit(RoundSignificant(meters, 2), M, symbols);
    }

    /// <summary>One significant digit in the fitting unit, or the nearest whole meter.</summary>
    static List<(string, double)> MetricCoarse(double meters, HumanNumberOptions o, bool symbols)
    {
        var one = RoundSignificant(meters, 1);
        var list = new List<(string, double)>
        {
            one < o.MillimetersBelow ? InUnit(one / Mm.Meters, Mm, symbols) : one < o.MetersFrom ? InUnit(one / Cm.Meters, Cm, symbols) : InUnit(one, M, symbols),
        };
        if (meters >= o.MetersFrom * 0.8) list.Add(InUnit(Math.Round(meters), M, symbols));
        return list;
    }

    static (string, double) ImperialFine(double meters, HumanNumberOptions o, bool symbols)
    {
        if (meters < o.FeetAndInchesFrom) return InUnit(RoundSignificant(meters / Inch, 2), In, symbols);
        if (meters < o.FeetOnlyFrom) return FeetAndInches((int)Math.Round(meters / Inch), symbols);
        return InUnit(RoundSignificant(meters / Foot, 2), Ft, symbols);
    }

    /// <summary>One significant digit of inches or feet, or the nearest whole foot.</summary>
    static List<(string, double)> ImperialCoarse(double meters, HumanNumberOptions o, bool symbols)
    {
        var list = new List<(string, double)>
        {
            meters < o.FeetAndInchesFrom ? InUnit(RoundSignificant(meters / Inch, 1), In, symbols) : InUnit(RoundSignificant(meters / Foot, 1), Ft, symbols),
        };
        if (meters >= o.FeetAndInchesFrom * 0.8) list.Add(InUnit(Math.Round(meters / Foot), Ft, symbols));
        return list;
    }

    static (string, double) FeetAndInches(int totalInches, bool symbols)
    {
        var (feet, inches) = (totalInches / 12, totalInches % 12);
        var meters = totalInches * Inch;
        if (feet == 0) return InUnit(inches, In, symbols);
        if (inches == 0) return InUnit(feet, Ft, symbols);
        return ($"{Say(feet, Ft, symbols)} {Say(inches, In, symbols)}", meters);
    }

    static (string, double) InUnit(double value, Unit unit, bool symbols)
    {
        var text = Format(value);
        return (Say(value, unit, symbols), double.Parse(text, CultureInfo.InvariantCulture) * unit.Meters);
    }

    static string Say(double value, Unit unit, bool symbols)
    {
        var text = Format(value);
        return $"{text} {(symbols && unit.Symbol != "" ? unit.Symbol : text == "1" ? unit.Singular : unit.Plural)}";
    }

    static string Format(double value) => value.ToString("0.##########", CultureInfo.InvariantCulture);

    /// <summary>Rounds to the given number of significant digits.</summary>
    public static double RoundSignificant(double value, int digits)
    {
        if (value == 0) return 0;
        var exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        var scale = Math.Pow(10, digits - 1 - exponent);
        return Math.Round(value * scale, MidpointRounding.AwayFromZero) / scale;
    }
}
