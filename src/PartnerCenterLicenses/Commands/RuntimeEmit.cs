using System;
using System.Reflection;
using System.Reflection.Emit;

namespace PartnerCenterLicenses.Commands
{
    /// <summary>
    /// The few System.Reflection.Emit calls the report rows need, reached through reflection. netstandard2.0 has
    /// OpCodes but not the builders; both runtimes the module loads in have them in their core library (mscorlib in
    /// Windows PowerShell 5.1, System.Private.CoreLib in PowerShell 7), where they are taken from, so the module
    /// ships no System.Reflection.Emit package whose facade Windows PowerShell could not bind.
    /// </summary>
    internal static class RuntimeEmit
    {
        private static readonly Assembly CoreLibrary = typeof(object).Assembly;
        private static readonly Type IlGenerator = Builder("ILGenerator");
        private static readonly Type MethodBuilder = Builder("MethodBuilder");
        private static readonly MethodInfo EmitPlain = IlGenerator.GetMethod("Emit", new[] { typeof(OpCode) });
        private static readonly MethodInfo EmitInt = IlGenerator.GetMethod("Emit", new[] { typeof(OpCode), typeof(int) });
        private static readonly MethodInfo EmitMethod = IlGenerator.GetMethod("Emit", new[] { typeof(OpCode), typeof(MethodInfo) });
        private static readonly MethodInfo EmitConstructor = IlGenerator.GetMethod("Emit", new[] { typeof(OpCode), typeof(ConstructorInfo) });

        /// <summary>A module of a new run-only dynamic assembly (kept for the process: types made in it are never unloaded).</summary>
        public static object DefineModule(string name)
        {
            Type assemblyBuilder = Builder("AssemblyBuilder");
            Type access = Builder("AssemblyBuilderAccess");
            object assembly = assemblyBuilder.GetMethod("DefineDynamicAssembly", new[] { typeof(AssemblyName), access })
                .Invoke(null, new[] { new AssemblyName(name), Enum.Parse(access, "Run") });
            return assemblyBuilder.GetMethod("DefineDynamicModule", new[] { typeof(string) }).Invoke(assembly, new object[] { name });
        }

        private static Type Builder(string name) =>
            CoreLibrary.GetType("System.Reflection.Emit." + name, throwOnError: true);

        private static object Call(object target, string method, Type[] signature, params object[] arguments) =>
            target.GetType().GetMethod(method, signature).Invoke(target, arguments);

        /// <summary>Writes IL to one method body.</summary>
        public sealed class Il
        {
            private readonly object _generator;

            internal Il(object generator)
            {
                _generator = generator;
            }

            public void Emit(OpCode code) => EmitPlain.Invoke(_generator, new object[] { code });

            public void Emit(OpCode code, int operand) => EmitInt.Invoke(_generator, new object[] { code, operand });

            public void Emit(OpCode code, MethodInfo method) => EmitMethod.Invoke(_generator, new object[] { code, method });

            public void Emit(OpCode code, ConstructorInfo constructor) => EmitConstructor.Invoke(_generator, new object[] { code, constructor });
        }

        /// <summary>A public sealed class being defined.</summary>
        public sealed class TypeDefinition
        {
            private const MethodAttributes Accessor = MethodAttributes.Public | MethodAttributes.SpecialName | MethodAttributes.HideBySig;
            private readonly object _type;

            public TypeDefinition(object module, string name, Type parent)
            {
                _type = Call(module, "DefineType", new[] { typeof(string), typeof(TypeAttributes), typeof(Type) },
                    name, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, parent);
            }

            public ConstructorInfo DefineConstructor(Type[] parameters, Action<Il> body)
            {
                var constructor = (ConstructorInfo)Call(_type, "DefineConstructor", new[] { typeof(MethodAttributes), typeof(CallingConventions), typeof(Type[]) },
                    MethodAttributes.Public, CallingConventions.Standard, parameters);
                body(new Il(Call(constructor, "GetILGenerator", Type.EmptyTypes)));
                return constructor;
            }

            public void DefineProperty(string name, Type type, Action<Il> getter, Action<Il> setter)
            {
                object property = Call(_type, "DefineProperty", new[] { typeof(string), typeof(PropertyAttributes), typeof(Type), typeof(Type[]) },
                    name, PropertyAttributes.None, type, Type.EmptyTypes);
                MethodInfo get = Method("get_" + name, type, Type.EmptyTypes, getter);
                MethodInfo set = Method("set_" + name, typeof(void), new[] { type }, setter);
                Call(property, "SetGetMethod", new[] { MethodBuilder }, get);
                Call(property, "SetSetMethod", new[] { MethodBuilder }, set);
            }

            public Type Create() => ((TypeInfo)Call(_type, "CreateTypeInfo", Type.EmptyTypes)).AsType();

            private MethodInfo Method(string name, Type returns, Type[] parameters, Action<Il> body)
            {
                var method = (MethodInfo)Call(_type, "DefineMethod", new[] { typeof(string), typeof(MethodAttributes), typeof(Type), typeof(Type[]) },
                    name, Accessor, returns, parameters);
                body(new Il(Call(method, "GetILGenerator", Type.EmptyTypes)));
                return method;
            }
        }
    }
}
