using System.Text;

namespace BudgetEvaluation.Core.Import;

/// <summary>Picks UTF-8 or GB18030 for text files as Chinese offices produce them.</summary>
public static class TextDecoding
{
    public static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    /// <summary>
    /// Detects the encoding from a BOM, else from the first 64 KiB: strict UTF-8 if it decodes, GB18030 otherwise.
    /// The stream must be seekable; it is rewound.
    /// </summary>
    /// <remarks>Excel in China saves "CSV" as GBK/GB18030; a GBK file is almost never valid UTF-8 beyond pure ASCII.</remarks>
    public static Encoding Detect(Stream stream)
    {
        var start = stream.Position;
        var buffer = new byte[64 * 1024];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        stream.Position = start;
        if (read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
            return StrictUtf8;
        if (read >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)))
            return Encoding.Unicode;
        // Do not judge a multi-byte sequence cut at the end of the sample.
        var length = read;
        if (read == buffer.Length)
        {
            var back = 0;
            while (back < 4 && length > 0 && (buffer[length - 1] & 0xC0) == 0x80) { length--; back++; }
            if (length > 0 && buffer[length - 1] >= 0xC0) length--;
        }
        try
        {
            StrictUtf8.GetCharCount(buffer, 0, length);
            return StrictUtf8;
        }
        catch (DecoderFallbackException)
        {
            return Gb18030;
        }
    }

    /// <summary>Opens a reader with the detected encoding; the BOM, if any, is skipped.</summary>
    public static StreamReader OpenReader(Stream stream)
    {
        var encoding = Detect(stream);
        return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
    }
}
