using System;
using System.Collections.Generic;
using System.Reflection;
using System.Linq.Expressions;
using System.Reflection.Emit;
using PartnerCenterLicenses.Boundary;
using PartnerCenterLicenses.Models;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// A report file's rows as objects whose properties are the file's columns, in order, each value already typed
    /// by the engine. Built here because the engine names no output type.
    /// </summary>
    /// <remarks>
    /// The columns are known only from a file's header, so the class is made then (System.Reflection.Emit): a
    /// subclass of <see cref="InsightsReportRow"/> with one public property per column, typed object because a
    /// value that does not fit its column is kept as text. Classes are kept per header for the life of the
    /// process (PowerShell keeps what it read of a type as long anyway), so the same report read again, or
    /// every report of one query, reuses one class.
    /// </remarks>
    internal sealed class ReportRows : IReportRowBuilder
    {
        public static readonly ReportRows Instance = new ReportRows();

        private static readonly ConstructorInfo BaseConstructor = typeof(InsightsReportRow).GetConstructor(
            BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(ReportRowShape), typeof(object[]) }, null);

        private static readonly MethodInfo GetValue = typeof(InsightsReportRow).GetMethod("GetValue", BindingFlags.Instance | BindingFlags.NonPublic);
        private static readonly MethodInfo SetValue = typeof(InsightsReportRow).GetMethod("SetValue", BindingFlags.Instance | BindingFlags.NonPublic);

        private readonly object _gate = new object();
        private readonly Dictionary<string, RowClass> _shapes = new Dictionary<string, RowClass>(StringComparer.Ordinal);
        private object _module;

        private ReportRows()
        {
        }

        /// <summary>
        /// The row class for a header, made once per distinct header. PowerShell property names are
        /// case-insensitive and never empty, so a repeated or empty column name gets a suffix (Column, Column_2)
        /// rather than losing its values.
        /// </summary>
        public object Shape(IReadOnlyList<ReportColumn> columns)
        {
            var names = new string[columns.Count];
            var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < names.Length; i++)
            {
                string name = string.IsNullOrWhiteSpace(columns[i].Name) ? "Column" + (i + 1) : columns[i].Name.Trim();
                string unique = name;
                for (int n = 2; !taken.Add(unique); n++)
                {
                    unique = name + "_" + n;
                }

                names[i] = unique;
            }

            // A name cannot hold a NUL (metadata strings end there), so NUL separates them in the key.
            string key = string.Join("\0", names);
            lock (_gate)
            {
                if (!_shapes.TryGetValue(key, out RowClass shape))
                {
                    shape = Make(names);
                    _shapes.Add(key, shape);
                }

                return shape;
            }
        }

        public object Row(object shape, object[] values)
        {
            var made = (RowClass)shape;
            return made.Create(made.Columns, (object[])values.Clone());
        }

        private RowClass Make(string[] names)
        {
            if (_module == null)
            {
                _module = RuntimeEmit.DefineModule("PartnerCenterLicenses.ReportRows");
            }

            Type[] parameters = { typeof(ReportRowShape), typeof(object[]) };
            var type = new RuntimeEmit.TypeDefinition(_module, "PartnerCenterLicenses.ReportRows.Row" + (_shapes.Count + 1), typeof(InsightsReportRow));
            ConstructorInfo constructor = type.DefineConstructor(parameters, il =>
            {
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldarg_2);
                il.Emit(OpCodes.Call, BaseConstructor);
                il.Emit(OpCodes.Ret);
            });

            for (int i = 0; i < names.Length; i++)
            {
                int index = i;
                type.DefineProperty(
                    names[i],
                    typeof(object),
                    getter =>
                    {
                        getter.Emit(OpCodes.Ldarg_0);
                        getter.Emit(OpCodes.Ldc_I4, index);
                        getter.Emit(OpCodes.Call, GetValue);
                        getter.Emit(OpCodes.Ret);
                    },
                    setter =>
                    {
                        setter.Emit(OpCodes.Ldarg_0);
                        setter.Emit(OpCodes.Ldc_I4, index);
                        setter.Emit(OpCodes.Ldarg_1);
                        setter.Emit(OpCodes.Call, SetValue);
                        setter.Emit(OpCodes.Ret);
                    });
            }

            Type made = type.Create();

            // The factory the stream calls per row, compiled once: a constructor call, no reflection per row.
            ParameterExpression shape = Expression.Parameter(typeof(ReportRowShape), "shape");
            ParameterExpression values = Expression.Parameter(typeof(object[]), "values");
            ConstructorInfo madeConstructor = made.GetConstructor(parameters);
            var factory = Expression.Lambda<Func<ReportRowShape, object[], object>>(Expression.New(madeConstructor, shape, values), shape, values).Compile();
            return new RowClass(new ReportRowShape(names), factory);
        }

        private sealed class RowClass
        {
            public RowClass(ReportRowShape columns, Func<ReportRowShape, object[], object> create)
            {
                Columns = columns;
                Create = create;
            }

            public ReportRowShape Columns { get; }

            public Func<ReportRowShape, object[], object> Create { get; }
        }
    }
}
