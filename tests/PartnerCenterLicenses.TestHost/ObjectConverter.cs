using System;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;

namespace PartnerCenterLicenses.TestHost
{
    /// <summary>
    /// Turns PowerShell objects into the flat, culture-independent JSON shape the harness parses.
    /// </summary>
    public static class ObjectConverter
    {
        /// <summary>Describes one pipeline output object: type names, base type, text and properties.</summary>
        public static JsonNode ConvertOutput(PSObject item)
        {
            if (item == null)
            {
                // A $null written to the output is still an element; keep its position.
                return new JsonObject
                {
                    ["typeNames"] = new JsonArray(),
                    ["baseTypeFullName"] = null,
                    ["text"] = null,
                    ["properties"] = new JsonObject(),
                };
            }

            var typeNames = new JsonArray();
            foreach (string name in item.TypeNames)
            {
                typeNames.Add(name);
            }

            var properties = new JsonObject();
            try
            {
                foreach (PSPropertyInfo property in item.Properties)
                {
                    if (!properties.ContainsKey(property.Name))
                    {
                        properties[property.Name] = ConvertProperty(property);
                    }
                }
            }
            catch (Exception ex)
            {
                // Some adapters fail while enumerating members; keep what was read rather than lose the object.
                properties["<properties threw>"] = new JsonObject { ["type"] = null, ["value"] = ex.GetType().FullName };
            }

            return new JsonObject
            {
                ["typeNames"] = typeNames,
                ["baseTypeFullName"] = TypeName(item),
                ["text"] = Text(item),
                ["properties"] = properties,
            };
        }

        /// <summary>Describes an error record, including the full exception text so tests can scan it for secrets.</summary>
        public static JsonObject ConvertError(ErrorRecord record)
        {
            if (record == null)
            {
                return null;
            }

            Exception exception = record.Exception;
            return new JsonObject
            {
                ["fullyQualifiedErrorId"] = record.FullyQualifiedErrorId,
                ["category"] = record.CategoryInfo?.Category.ToString(),
                ["reason"] = record.CategoryInfo?.Reason,
                ["targetName"] = record.CategoryInfo?.TargetName,
                ["message"] = exception?.Message,
                ["errorDetailsMessage"] = record.ErrorDetails?.Message,
                ["recommendedAction"] = record.ErrorDetails?.RecommendedAction,
                ["exceptionType"] = exception?.GetType().FullName,
                ["exceptionText"] = exception?.ToString(),
                ["scriptStackTrace"] = record.ScriptStackTrace,
            };
        }

        /// <summary>Describes a loaded assembly and the load context that owns it.</summary>
        public static JsonObject ConvertAssembly(Assembly assembly)
        {
            string location;
            try
            {
                location = assembly.IsDynamic ? string.Empty : assembly.Location;
            }
            catch (NotSupportedException)
            {
                location = string.Empty;
            }

            return new JsonObject
            {
                ["fullName"] = assembly.FullName,
                ["location"] = location,
                ["loadContext"] = DescribeLoadContext(AssemblyLoadContext.GetLoadContext(assembly)),
            };
        }

        // A context made with the parameterless constructor (as netstandard2.0 code must) has no
        // name; its ToString is the only label it can give itself.
        private static string DescribeLoadContext(AssemblyLoadContext context)
        {
            return context == null ? null : context.Name ?? context.ToString();
        }

        /// <summary>
        /// Formats a value so that it reads the same on every machine: ISO 8601 round-trip dates,
        /// round-trip doubles, lower-case booleans, invariant numbers.
        /// </summary>
        public static string FormatScalar(object value)
        {
            try
            {
                return value switch
                {
                    null => null,
                    string text => text,
                    bool flag => flag ? "true" : "false",
                    DateTimeOffset moment => moment.ToString("o", CultureInfo.InvariantCulture),
                    DateTime moment => moment.ToString("o", CultureInfo.InvariantCulture),
                    double number => number.ToString("R", CultureInfo.InvariantCulture),
                    float number => number.ToString("R", CultureInfo.InvariantCulture),
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString(),
                };
            }
            catch (Exception ex)
            {
                return $"<ToString threw: {ex.GetType().FullName}>";
            }
        }

        private static JsonObject ConvertProperty(PSPropertyInfo property)
        {
            object value;
            try
            {
                value = property.Value;
            }
            catch (Exception ex)
            {
                return new JsonObject { ["type"] = null, ["value"] = $"<getter threw: {OriginalException(ex).GetType().FullName}>" };
            }

            return new JsonObject { ["type"] = TypeName(value), ["value"] = Text(value) };
        }

        // PowerShell wraps a failing getter (GetValueInvocationException, TargetInvocationException);
        // the test cares about what the getter itself threw.
        private static Exception OriginalException(Exception ex)
        {
            while ((ex is GetValueException || ex is TargetInvocationException) && ex.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }

        private static string TypeName(object value)
        {
            object unwrapped = value is PSObject wrapper ? wrapper.BaseObject : value;
            return unwrapped?.GetType().FullName;
        }

        private static string Text(object value)
        {
            if (value is PSObject wrapper)
            {
                // A PSCustomObject's base object has no useful text; the wrapper renders "@{Name=...}".
                return wrapper.BaseObject is PSCustomObject ? SafeToString(wrapper) : FormatScalar(wrapper.BaseObject);
            }

            return FormatScalar(value);
        }

        private static string SafeToString(object value)
        {
            try
            {
                return value.ToString();
            }
            catch (Exception ex)
            {
                return $"<ToString threw: {ex.GetType().FullName}>";
            }
        }
    }
}
