import { Color, MeshStandardMaterial, type MeshStandardMaterialParameters, type WebGLProgramParametersWithUniforms } from 'three';

/**
 * Shared material tweaks (no post-processing: everything must run on SwiftShader).
 * `glowMaterial` adds emission proportional to the per-instance colour, so brighter instance colours
 * read as "lit up" (confidence, activity) without a bloom pass.
 */
export function glowMaterial(glow: number, params: MeshStandardMaterialParameters = {}): MeshStandardMaterial {
  const m = new MeshStandardMaterial({ color: '#ffffff', roughness: 0.55, metalness: 0.1, ...params });
  m.onBeforeCompile = (shader: WebGLProgramParametersWithUniforms) => {
    shader.uniforms.uGlow = { value: glow };
    shader.fragmentShader = shader.fragmentShader
      .replace('#include <common>', '#include <common>\nuniform float uGlow;')
      .replace('#include <emissivemap_fragment>', '#include <emissivemap_fragment>\n\ttotalEmissiveRadiance += diffuseColor.rgb * uGlow;');
  };
  m.customProgramCacheKey = () => `glow-${glow}`;
  return m;
}

export interface CrowdUniforms {
  uTime: { value: number };
  uGlow: { value: number };
  uBuy: { value: Color };
  uSell: { value: Color };
}

/**
 * The crowd's material: base colour per instance (setColorAt, by crowd type), plus the trader's
 * last action from a per-instance Int8 attribute `aAction` (-1/0/1, uploaded as-is from the frame):
 * tint toward buy green / sell red, taller (buying) or crouched (selling) posture, and an idle bob.
 */
export function crowdMaterial(uniforms: CrowdUniforms): MeshStandardMaterial {
  const m = new MeshStandardMaterial({ color: '#ffffff', roughness: 0.6, metalness: 0.05 });
  m.onBeforeCompile = (shader: WebGLProgramParametersWithUniforms) => {
    Object.assign(shader.uniforms, uniforms);
    shader.vertexShader = shader.vertexShader
      .replace(
        '#include <common>',
        '#include <common>\nattribute float aAction;\nuniform float uTime;\nuniform vec3 uBuy;\nuniform vec3 uSell;',
      )
      .replace(
        '#include <begin_vertex>',
        `#include <begin_vertex>
	float bpId = float(gl_InstanceID);
	float bpAct = aAction;
	float bpPhase = fract(sin(bpId * 12.9898) * 43758.5453) * 6.2831;
	float bpBob = sin(uTime * (2.2 + abs(bpAct) * 2.5) + bpPhase) * (0.025 + abs(bpAct) * 0.04);
	float bpStretch = 1.0 + 0.22 * max(bpAct, 0.0) - 0.16 * max(-bpAct, 0.0);
	transformed.y = transformed.y * bpStretch + bpBob;`,
      )
      .replace(
        '#include <color_vertex>',
        `#include <color_vertex>
	#ifdef USE_INSTANCING_COLOR
	vColor.xyz = mix(vColor.xyz, aAction > 0.5 ? uBuy : uSell, abs(aAction) * 0.55);
	#endif`,
      );
    shader.fragmentShader = shader.fragmentShader
      .replace('#include <common>', '#include <common>\nuniform float uGlow;')
      .replace('#include <emissivemap_fragment>', '#include <emissivemap_fragment>\n\ttotalEmissiveRadiance += diffuseColor.rgb * uGlow;');
  };
  m.customProgramCacheKey = () => 'bullpen-crowd';
  return m;
}
