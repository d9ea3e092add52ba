import { Color, MeshLambertMaterial, MeshStandardMaterial, type MeshStandardMaterialParameters, type WebGLProgramParametersWithUniforms } from 'three';

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
  // the glow is a uniform, so every glow material shares ONE program (a key per glow value compiled
  // eight copies of the PBR shader: seconds of the first frame on software GL)
  m.customProgramCacheKey = () => 'bullpen-glow';
  return m;
}

export interface CrowdUniforms {
  uTime: { value: number };
  uGlow: { value: number };
  uBuy: { value: Color };
  uSell: { value: Color };
  /** how much the action tints the body (the head always shows it) */
  uBodyTint: { value: number };
}

/**
 * The crowd's material: base colour per instance (setColorAt, by crowd type), plus the trader's
 * last action from a per-instance Int8 attribute `aAction` (-1/0/1, uploaded as-is from the frame):
 * the head turns buy green / sell red (the body keeps the type colour), the figure stands taller
 * when buying and crouches when selling, and bobs a little.
 */
export function crowdMaterial(uniforms: CrowdUniforms): MeshLambertMaterial {
  // Lambert: thousands of small figures need a cheap fragment shader (software GL draws every one)
  const m = new MeshLambertMaterial({ color: '#ffffff' });
  m.onBeforeCompile = (shader: WebGLProgramParametersWithUniforms) => {
    Object.assign(shader.uniforms, uniforms);
    shader.vertexShader = shader.vertexShader
      .replace(
        '#include <common>',
        '#include <common>\nattribute float aAction;\nuniform float uTime;\nuniform vec3 uBuy;\nuniform vec3 uSell;\nuniform float uBodyTint;',
      )
      .replace(
        '#include <color_vertex>',
        `#include <color_vertex>
	#ifdef USE_INSTANCING_COLOR
	// figures with a head (y > 0.52 in the model; the body ends at 0.5): the head shows the action, the body the trader
	// type; low-poly figures (no head) get a milder tint over the whole body
	float bpHead = step(0.52, position.y);
	float bpMix = abs(aAction) * mix(uBodyTint, 0.9, bpHead);
	vColor.xyz = mix(vColor.xyz, aAction > 0.5 ? uBuy : uSell, bpMix);
	vColor.xyz *= mix(1.0, 1.25, bpHead * (1.0 - abs(aAction)));
	#endif`,
      )
      .replace(
        '#include <begin_vertex>',
        `#include <begin_vertex>
	float bpId = float(gl_InstanceID);
	float bpPhase = fract(sin(bpId * 12.9898) * 43758.5453) * 6.2831;
	float bpBob = sin(uTime * (2.2 + abs(aAction) * 2.5) + bpPhase) * (0.025 + abs(aAction) * 0.04);
	float bpStretch = 1.0 + 0.22 * max(aAction, 0.0) - 0.16 * max(-aAction, 0.0);
	transformed.y = transformed.y * bpStretch + bpBob;`,
      );
    shader.fragmentShader = shader.fragmentShader
      .replace('#include <common>', '#include <common>\nuniform float uGlow;')
      .replace('#include <emissivemap_fragment>', '#include <emissivemap_fragment>\n\ttotalEmissiveRadiance += diffuseColor.rgb * uGlow;');
  };
  m.customProgramCacheKey = () => 'bullpen-crowd';
  return m;
}
